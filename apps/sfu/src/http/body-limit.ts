import { LimitExceededError, ProtocolError } from '@opencalls/protocol';

/**
 * The request body as UTF-8 text, refusing it as soon as it is known to exceed `maxBytes`: a
 * declared `Content-Length` over the limit fails before a byte is read, and a streamed body fails
 * at the first chunk past the limit. Nothing larger than `maxBytes` is ever buffered, so a huge
 * upload can neither exhaust memory nor stall the event loop (and with it every session's media).
 */
export async function readTextWithin(request: Request, maxBytes: number): Promise<string> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) throw payloadTooLarge(maxBytes);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    // A client that closes the connection mid-body is its own failure (400), not a server error.
    const { done, value } = await reader.read().catch((cause: unknown) => {
      throw new ProtocolError('decoding_error', 'The request body was cut off: the client closed the connection', { cause });
    });
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw payloadTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

function payloadTooLarge(maxBytes: number): LimitExceededError {
  return new LimitExceededError('payload_size', 'payload_too_large', `Request body is larger than ${maxBytes} bytes`);
}
