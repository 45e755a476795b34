/**
 * Account limits that forms in the browser show too. Kept apart from ./rules.ts so that client components importing
 * them do not bring zod into the page: its bundle probes `Function("")`, which the Content-Security-Policy refuses (and reports).
 */
export const MIN_PASSWORD_LENGTH = 10;
