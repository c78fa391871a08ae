/**
 * A ServiceStack error answer of the v2 API: HTTP `status` and the PascalCase body
 * `{"ResponseStatus":{"ErrorCode","Message","Errors":[{"ErrorCode","FieldName","Message"}]}}`.
 */
export class ServiceStackError extends Error {
  readonly status: number;
  readonly errorCode: string;
  readonly fieldName: string | null;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, errorCode: string, message: string, fieldName: string | null = null, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
    this.fieldName = fieldName;
    this.headers = headers;
  }

  body(): { ResponseStatus: { ErrorCode: string; Message: string; Errors: { ErrorCode: string; FieldName: string; Message: string }[] } } {
    const errors = this.fieldName === null ? [] : [{ ErrorCode: this.errorCode, FieldName: this.fieldName, Message: this.message }];
    return { ResponseStatus: { ErrorCode: this.errorCode, Message: this.message, Errors: errors } };
  }
}

/** 400 for one request field. */
export function fieldError(fieldName: string, errorCode: string, message: string): ServiceStackError {
  return new ServiceStackError(400, errorCode, message, fieldName);
}

/** 401 `Unauthorized`: missing or wrong CustomerName, UserName or Password. */
export function unauthorized(message: string): ServiceStackError {
  return new ServiceStackError(401, 'Unauthorized', message);
}
