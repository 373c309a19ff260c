// Mirrors the server's policy (apps/server/src/modules/auth/password-policy.ts) for hints and
// the inputs' limits; the server stays the judge (it also refuses common passwords) and its
// answer is shown by the field.
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
