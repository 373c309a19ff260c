import { z } from "zod";
import { ZId } from "./common.ts";

/** A pipeline, not a state machine: a lead may move between any of these. */
export const LEAD_STATUSES = ["new", "contacted", "qualified", "won", "lost"] as const;
export const ZLeadStatus = z.enum(LEAD_STATUSES);
export type TLeadStatus = z.infer<typeof ZLeadStatus>;

export const ZLeadParams = z.strictObject({ workspaceId: ZId("ws"), leadId: ZId("led") });
export const ZLeadNoteParams = ZLeadParams.extend({ noteId: ZId("lnt") });
export const ZContactParams = z.strictObject({ workspaceId: ZId("ws"), contactId: ZId("ctc") });

const ZDateBound = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
const ZSearch = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .meta({ description: "Text in the contact's name, email or phone (phone digits match without spaces)" });
const ZPageLimit = z.coerce.number().int().min(1).max(200).default(50);
const ZCursor = z.string().max(200).meta({ description: "nextCursor from the previous page" });

/** Filters shared by the lead list and the CSV export. */
export const ZLeadFilter = z.strictObject({
  status: ZLeadStatus.optional(),
  agentId: ZId("agt").optional(),
  q: ZSearch.optional(),
  from: ZDateBound.optional().meta({
    description: "Leads captured at or after this time (a date means its start, UTC)",
  }),
  to: ZDateBound.optional().meta({
    description: "Leads captured at or before this time (a date means the whole day, UTC)",
  }),
});
export type TLeadFilter = z.infer<typeof ZLeadFilter>;
export const ZLeadListQuery = ZLeadFilter.extend({ limit: ZPageLimit, cursor: ZCursor.optional() });

export const ZLeadNote = z
  .object({
    id: ZId("lnt"),
    body: z.string(),
    author: z
      .object({ id: z.string(), name: z.string() })
      .nullable()
      .meta({ description: "null when written with an API key or by someone who has since left" }),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "LeadNote" });
export type TLeadNote = z.infer<typeof ZLeadNote>;

export const ZLeadContact = z
  .object({
    id: ZId("ctc"),
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
  })
  .meta({ id: "LeadContact" });

export const ZLead = z
  .object({
    id: ZId("led"),
    status: ZLeadStatus,
    visitorNote: z
      .string()
      .nullable()
      .meta({ description: "What the visitor asked for, as the agent captured it" }),
    contact: ZLeadContact,
    agent: z
      .object({ id: z.string(), name: z.string() })
      .nullable()
      .meta({ description: "The agent that captured the lead; null once that agent is deleted" }),
    conversationId: z.string().nullable(),
    channel: z.string().nullable().meta({
      description: "Where the conversation took place (widget, api, test); null once it is deleted",
    }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    statusChangedAt: z.iso.datetime().nullable(),
    latestNote: ZLeadNote.nullable(),
  })
  .meta({ id: "Lead" });
export type TLead = z.infer<typeof ZLead>;

export const ZLeadList = z.object({
  leads: z.array(ZLead),
  nextCursor: z
    .string()
    .nullable()
    .meta({ description: "Pass as ?cursor= for older leads; null at the end" }),
});
export const ZLeadDetail = ZLead.extend({
  notes: z.array(ZLeadNote).meta({ description: "The team's notes, newest first" }),
}).meta({ id: "LeadDetail" });

export const ZUpdateLeadRequest = z.strictObject({ status: ZLeadStatus });
export type TUpdateLeadRequest = z.infer<typeof ZUpdateLeadRequest>;

export const ZCreateLeadNoteRequest = z.strictObject({
  body: z.string().trim().min(1, "the note is empty").max(5000, "a note holds at most 5000 characters"),
});

// ── Contacts ────────────────────────────────────────────────────────────────────────────────

export const ZContactListQuery = z.strictObject({
  q: ZSearch.optional(),
  limit: ZPageLimit,
  cursor: ZCursor.optional(),
});

export const ZContact = z
  .object({
    id: ZId("ctc"),
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    leadCount: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "Contact" });
export type TContact = z.infer<typeof ZContact>;

export const ZContactList = z.object({
  contacts: z.array(ZContact),
  nextCursor: z
    .string()
    .nullable()
    .meta({ description: "Pass as ?cursor= for older contacts; null at the end" }),
});

export const ZContactDetail = ZContact.extend({
  leads: z.array(
    z.object({
      id: ZId("led"),
      status: ZLeadStatus,
      agentId: z.string().nullable(),
      conversationId: z.string().nullable(),
      createdAt: z.iso.datetime(),
    }),
  ),
  conversationIds: z.array(z.string()).meta({ description: "The contact's conversations, newest first" }),
}).meta({ id: "ContactDetail" });

export const ZContactPhone = z
  .string()
  .trim()
  .regex(/^[+()\d\s.-]{5,32}$/, "a phone number: digits, spaces and + ( ) . -, 5 to 32 characters");

export const ZUpdateContactRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(200).nullable().optional(),
    email: z
      .email()
      .max(320)
      .nullable()
      .optional()
      .meta({ description: "An email another contact already has merges that contact with this one" }),
    phone: ZContactPhone.nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "change at least one of name, email, phone");
export type TUpdateContactRequest = z.infer<typeof ZUpdateContactRequest>;

export const ZUpdatedContact = ZContactDetail.extend({
  mergedContactId: z.string().nullable().meta({
    description:
      "When the new email belonged to another contact, the two were merged: this is the id that no longer exists (the response is the surviving contact)",
  }),
}).meta({ id: "UpdatedContact" });
