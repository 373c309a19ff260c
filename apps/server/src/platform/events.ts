import { EventEmitter } from "node:events";

// Domain events other parts react to (the inbox's real-time layer, notifications, webhooks).
// In-process for now; a later issue fans them out across nodes. Listeners must not throw into
// the emitter: a failing listener is logged, never allowed to break the turn that emitted.

export type DomainEvent =
  | {
      type: "conversation.created";
      workspaceId: string;
      conversationId: string;
      agentId: string;
      channel: string;
    }
  | {
      /** Status, assignee or unread count changed (inbox actions, handoffs). */
      type: "conversation.updated";
      workspaceId: string;
      conversationId: string;
      status: string;
      assigneeId: string | null;
    }
  | {
      /** An operator reply or internal note, with its content (notes never reach the visitor). */
      type: "message.posted";
      workspaceId: string;
      message: {
        id: string;
        conversationId: string;
        role: string;
        content: string;
        createdAt: string;
        authorName: string | null;
      };
    }
  | {
      type: "conversation.handoff_requested";
      workspaceId: string;
      conversationId: string;
      agentId: string;
      reason: string;
    }
  | {
      type: "lead.captured";
      workspaceId: string;
      conversationId: string;
      agentId: string;
      leadId: string;
      contactId: string;
    }
  | {
      /** A lead changed: its status, its notes, or its contact (edited or merged into another). */
      type: "lead.updated";
      workspaceId: string;
      leadId: string;
      contactId: string;
      status: string;
      change: "status" | "note" | "contact";
    }
  | {
      type: "knowledge.source_status";
      workspaceId: string;
      agentId: string;
      sourceId: string;
      status: string;
      error: string | null;
    }
  | {
      /** A website source being read: pages read so far of at most maxPages. */
      type: "knowledge.source_progress";
      workspaceId: string;
      agentId: string;
      sourceId: string;
      pagesRead: number;
      maxPages: number;
    }
  | {
      /** The workspace used `threshold` % (80, 90, 100) of its AI replies this period; once each. */
      type: "billing.quota_alert";
      workspaceId: string;
      periodKey: string;
      threshold: number;
      used: number;
      max: number;
    }
  | {
      /** A payment provider changed the workspace's subscription (or a downgrade took effect). */
      type: "billing.subscription_changed";
      workspaceId: string;
      planId: string;
      status: string;
      change: string;
    }
  | {
      /** Words of an answer being written (batched), for the inbox's live view. */
      type: "message.streaming";
      workspaceId: string;
      conversationId: string;
      text: string;
    }
  | {
      type: "message.created";
      workspaceId: string;
      conversationId: string;
      messageId: string;
      role: string;
    };

export type EventBus = {
  emit(event: DomainEvent): void;
  on<T extends DomainEvent["type"]>(type: T, fn: (e: Extract<DomainEvent, { type: T }>) => void): () => void;
};

export function createEventBus(onListenerError: (err: unknown, event: DomainEvent) => void): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(100);
  return {
    emit(event) {
      for (const fn of emitter.listeners(event.type)) {
        try {
          (fn as (e: DomainEvent) => void)(event);
        } catch (err) {
          onListenerError(err, event);
        }
      }
    },
    on(type, fn) {
      emitter.on(type, fn as never);
      return () => emitter.off(type, fn as never);
    },
  };
}
