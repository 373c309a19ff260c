// Socket.IO event maps shared by the server, the dashboard (namespace /inbox) and the widget
// (namespace /visitor). Payloads are small: ids and what changed; clients fetch details by id.

export type TRealtimeMessage = {
  id: string;
  conversationId: string;
  role: string;
  content: string;
  createdAt: string;
  authorName?: string | null;
  citations?: { index: number; title: string; url: string | null }[];
};

export type InboxServerEvents = {
  "conversation.created": (e: {
    workspaceId: string;
    conversationId: string;
    agentId: string;
    channel: string;
  }) => void;
  "conversation.updated": (e: {
    workspaceId: string;
    conversationId: string;
    status: string;
    assigneeId: string | null;
    unreadCount?: number;
  }) => void;
  "message.created": (e: {
    workspaceId: string;
    conversationId: string;
    messageId: string;
    role: string;
  }) => void;
  /** Words of an AI answer as it is written (to sockets watching the conversation). */
  "message.delta": (e: { conversationId: string; text: string }) => void;
  /** Full operator/note messages, so other operators see them without a fetch. */
  message: (e: TRealtimeMessage) => void;
  "handoff.requested": (e: {
    workspaceId: string;
    conversationId: string;
    agentId: string;
    reason: string;
  }) => void;
  typing: (e: {
    conversationId: string;
    who: "visitor" | "operator";
    userId?: string;
    typing: boolean;
  }) => void;
  presence: (e: { workspaceId: string; userId: string; online: boolean }) => void;
  "lead.captured": (e: { workspaceId: string; leadId: string; conversationId: string | null }) => void;
  "lead.updated": (e: { workspaceId: string; leadId: string }) => void;
  "knowledge.source_status": (e: {
    workspaceId: string;
    agentId: string;
    sourceId: string;
    status: string;
    error: string | null;
  }) => void;
  "knowledge.source_progress": (e: {
    workspaceId: string;
    agentId: string;
    sourceId: string;
    pagesRead: number;
    maxPages: number;
  }) => void;
  "billing.quota_alert": (e: { workspaceId: string; threshold: number; used: number; max: number }) => void;
  "billing.subscription_changed": (e: {
    workspaceId: string;
    planId: string;
    status: string;
    change: string;
  }) => void;
};

export type Ack = (r: { ok: true } | { ok: false; error: { code: string; message: string } }) => void;

export type InboxClientEvents = {
  /** Join a workspace's room (membership checked). */
  join: (e: { workspaceId: string }, ack?: Ack) => void;
  /** Follow one conversation's typing indicators. */
  watch: (e: { conversationId: string }, ack?: Ack) => void;
  unwatch: (e: { conversationId: string }) => void;
  typing: (e: { conversationId: string; typing: boolean }) => void;
};

export type VisitorServerEvents = {
  message: (e: TRealtimeMessage) => void;
  typing: (e: { typing: boolean }) => void;
  status: (e: { status: string }) => void;
};

export type VisitorClientEvents = {
  typing: (e: { typing: boolean }) => void;
};
