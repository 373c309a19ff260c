/** The base32 secret in an otpauth:// URI, for typing into an app that cannot scan. */
export function secretFromUri(uri: string): string {
  try {
    return new URL(uri).searchParams.get("secret") ?? "";
  } catch {
    return "";
  }
}

/** "JBSWY3DPEHPK3PXP" → "JBSW Y3DP EHPK 3PXP": easier to read out and type. */
export function groupSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, "$1 ");
}

/** The text file offered for download with the backup codes. */
export function backupCodesFile(codes: string[], account: string, date: string): string {
  return [`MiniChat backup codes — ${account}`, date, "", ...codes, ""].join("\n");
}
