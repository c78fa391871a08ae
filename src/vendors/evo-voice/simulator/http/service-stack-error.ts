/** One entry of `responseStatus.errors`: a validation failure of one request field. */
export interface FieldError {
  readonly errorCode: string;
  readonly fieldName: string;
  readonly message: string;
}

/**
 * An error answer in ServiceStack's shape: HTTP `status` and the body
 * `{"responseStatus":{"errorCode","message","errors":[…]}}`; `headers` go with it (WWW-Authenticate, Retry-After,
 * Allow).
 */
export class ServiceStackError extends Error {
  readonly status: number;
  readonly errorCode: string;
  readonly errors: readonly FieldError[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, errorCode: string, message: string, errors: readonly FieldError[] = [], headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
    this.errors = errors;
    this.headers = headers;
  }

  /** The JSON body. */
  body(): { responseStatus: { errorCode: string; message: string; errors: FieldError[] } } {
    return { responseStatus: { errorCode: this.errorCode, message: this.message, errors: [...this.errors] } };
  }
}

/** A 400 for one field: the top-level errorCode and message are the field's. */
export function fieldError(fieldName: string, errorCode: string, message: string): ServiceStackError {
  return new ServiceStackError(400, errorCode, message, [{ errorCode, fieldName, message }]);
}

/** A 400 for a required field that is missing (FluentValidation's NotEmpty, as ServiceStack's validators report it). */
export function missingField(fieldName: string, label: string): ServiceStackError {
  return fieldError(fieldName, 'NotEmpty', `'${label}' must not be empty.`);
}

/** 401 with the Basic challenge. */
export function notAuthenticated(message = 'Not Authenticated'): ServiceStackError {
  return new ServiceStackError(401, 'Unauthorized', message, [], { 'www-authenticate': 'Basic realm="/auth/basic"' });
}

export function forbidden(message: string): ServiceStackError {
  return new ServiceStackError(403, 'Forbidden', message);
}

export function notFound(message: string): ServiceStackError {
  return new ServiceStackError(404, 'NotFound', message);
}
