import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, headless, with fake camera and microphone. Never downloads a browser. */
export const CHROMIUM_PATH = process.env.OPENCALLS_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // Keep WebRTC on loopback: no mDNS host-name obfuscation, no other interfaces.
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--force-webrtc-ip-handling-policy=default_public_and_private_interfaces',
  // Gather host candidates on loopback too (Chromium skips it by default).
  '--allow-loopback-in-peer-connection',
];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}
