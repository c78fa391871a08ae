/** A client error answered as `400 text/plain` with {@link BadRequest.message} as the body. */
export class BadRequest extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadRequest';
  }
}
