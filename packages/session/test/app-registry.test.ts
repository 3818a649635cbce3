import { describe, expect, test } from 'vitest';
import { AppRegistry, constantTimeEqual } from '../src/index.js';
import type { AppAuthDecision } from '../src/index.js';

const registry = new AppRegistry([
  { appId: 'app-1', secret: 's3cret-token', name: 'First' },
  { appId: 'app-2', secret: 'other' },
]);

describe('AppRegistry.authenticate', () => {
  test.each<[string, string, string | undefined, AppAuthDecision['ok'], string?]>([
    ['right secret', 'app-1', 'Bearer s3cret-token', true],
    ['lower-case scheme', 'app-1', 'bearer s3cret-token', true],
    ['upper-case scheme', 'app-1', 'BEARER s3cret-token', true],
    ['extra whitespace', 'app-1', '  Bearer \t s3cret-token  ', true],
    ['wrong secret', 'app-1', 'Bearer s3cret-tokeN', false, 'unauthorized'],
    ['secret prefix', 'app-1', 'Bearer s3cret', false, 'unauthorized'],
    ['secret plus suffix', 'app-1', 'Bearer s3cret-token-x', false, 'unauthorized'],
    ["another app's secret", 'app-1', 'Bearer other', false, 'unauthorized'],
    ['missing header', 'app-1', undefined, false, 'unauthorized'],
    ['empty header', 'app-1', '', false, 'unauthorized'],
    ['scheme only', 'app-1', 'Bearer', false, 'unauthorized'],
    ['no scheme', 'app-1', 's3cret-token', false, 'unauthorized'],
    ['basic scheme', 'app-1', 'Basic s3cret-token', false, 'unauthorized'],
    ['unknown app', 'nope', 'Bearer s3cret-token', false, 'not_found'],
    ['unknown app, no header', 'nope', undefined, false, 'not_found'],
  ])('%s', (_name, appId, header, ok, code) => {
    const decision = registry.authenticate(appId, header);
    expect(decision.ok).toBe(ok);
    if (decision.ok) {
      expect(decision.app).toEqual({ appId: 'app-1', name: 'First' });
      expect(decision.app).not.toHaveProperty('secret');
    } else {
      expect(decision.code).toBe(code);
      expect(decision.description).toEqual(expect.any(String));
    }
  });

  test('non-ASCII secrets compare by UTF-8 bytes', () => {
    const apps = new AppRegistry([{ appId: 'a', secret: 'clé-🔑' }]);
    expect(apps.authenticate('a', 'Bearer clé-🔑').ok).toBe(true);
    expect(apps.authenticate('a', 'Bearer cle-🔑').ok).toBe(false);
  });
});

describe('AppRegistry management', () => {
  test('add, get, list, remove', () => {
    const apps = new AppRegistry();
    const app = apps.add({ appId: 'x', secret: 'y', name: 'X' });
    expect(app).toEqual({ appId: 'x', name: 'X' });
    expect(Object.isFrozen(app)).toBe(true);
    expect(apps.get('x')).toBe(app);
    expect(apps.has('x')).toBe(true);
    expect(apps.list()).toEqual([app]);
    expect(apps.size).toBe(1);
    expect(apps.remove('x')).toBe(true);
    expect(apps.authenticate('x', 'Bearer y')).toMatchObject({ ok: false, code: 'not_found' });
  });

  test('rejects bad config', () => {
    const apps = new AppRegistry([{ appId: 'x', secret: 'y' }]);
    expect(() => apps.add({ appId: 'x', secret: 'z' })).toThrow(/already registered/);
    expect(() => apps.add({ appId: '', secret: 'z' })).toThrow(/appId/);
    expect(() => apps.add({ appId: 'w', secret: '' })).toThrow(/non-empty secret/);
  });
});

describe('constantTimeEqual', () => {
  const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
  test.each([
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['ab', 'abc', false],
    ['abcabc', 'abc', false],
    ['', 'abc', false],
    ['', '', false],
  ])('%j vs %j', (a, b, equal) => {
    expect(constantTimeEqual(bytes(a), bytes(b))).toBe(equal);
  });
});
