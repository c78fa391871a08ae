/** A client error answered as `400 text/plain` with `message` as the body. */
export class BadRequest extends Error {
  override readonly name = 'BadRequest';
}
