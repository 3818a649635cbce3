import { createSfu, type Sfu, type SfuOptions } from '../../src/index.js';
import { CallsApi } from './calls-api.js';

export const TEST_APP = { appId: 'test-app', secret: 'test-secret' } as const;
export const OTHER_APP = { appId: 'other-app', secret: 'other-secret' } as const;

export interface TestServer {
  readonly sfu: Sfu;
  readonly url: string;
  readonly api: CallsApi;
  readonly otherApi: CallsApi;
  close(): Promise<void>;
}

/** The real server on 127.0.0.1 with an OS-chosen port; media candidates on 127.0.0.1. */
export async function startTestServer(input: SfuOptions = {}): Promise<TestServer> {
  const sfu = createSfu({
    host: '127.0.0.1',
    port: 0,
    apps: [TEST_APP, OTHER_APP],
    logLevel: 'silent',
    ...input,
  });
  const { url } = await sfu.listen();
  return {
    sfu,
    url,
    api: new CallsApi(url, TEST_APP.appId, TEST_APP.secret),
    otherApi: new CallsApi(url, OTHER_APP.appId, OTHER_APP.secret),
    close: () => sfu.close(),
  };
}
