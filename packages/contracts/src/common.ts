import { z } from "zod";

/** Every error response: { error: { code, message, details? }, requestId }. */
export const ZErrorResponse = z
  .object({
    error: z.object({
      code: z.string().meta({ description: "Stable, machine-readable error code", example: "NOT_FOUND" }),
      message: z.string().meta({ description: "Human-readable explanation" }),
      details: z.unknown().optional(),
    }),
    requestId: z.string(),
  })
  .meta({ id: "ErrorResponse" });
export type TErrorResponse = z.infer<typeof ZErrorResponse>;

export const ZId = (prefix: string) =>
  z
    .string()
    .regex(new RegExp(`^${prefix}_[0-9a-z]{20}$`), `must be a ${prefix}_… id`)
    .meta({ example: `${prefix}_0123456789abcdefghjk` });

export const ZWorkspaceIdParams = z.strictObject({ workspaceId: ZId("ws") });
export const ZLocale = z.enum(["en", "th", "ru"]);
export type TLocale = z.infer<typeof ZLocale>;
