/**
 * The one error type the app raises on purpose. Route handlers map it to its status with a
 * JSON body `{ error: { code, message, details? } }`; anything else is logged and answered
 * with a plain 500.
 */
export type ErrorCode =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media"
  | "unprocessable"
  | "rate_limited"
  | "insufficient_storage"
  | "unavailable"
  | "bad_gateway"
  | "gateway_timeout";

const statusOf: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media: 415,
  unprocessable: 422,
  rate_limited: 429,
  insufficient_storage: 507,
  unavailable: 503,
  /** Another server (a URL a user gave) answered badly or not at all. */
  bad_gateway: 502,
  gateway_timeout: 504,
};

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. Retry-After for rate limits. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
    this.status = statusOf[code];
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
