import { readFileSync } from 'node:fs';
import type { SfuConfigInput } from './resolve-config.js';

/**
 * Reads a JSON config file. Every failure names the file: unreadable, not JSON (with the parser's
 * message), or not a JSON object. The fields themselves are checked by `resolveConfig`.
 */
export function readConfigFile(file: string): SfuConfigInput {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`config file ${file}: cannot read it (${error instanceof Error ? error.message : String(error)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`config file ${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`config file ${file}: must hold a JSON object such as {"port": 8787}, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`);
  }
  return value as SfuConfigInput;
}
