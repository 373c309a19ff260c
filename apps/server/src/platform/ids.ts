import { randomBytes } from "node:crypto";

// Prefixed, URL-safe ids (`ws_3k9...`) so a stray id in a log or a support ticket says what it is.
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower case

export function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! & 31];
  return out;
}

export type IdPrefix =
  | "usr"
  | "ses"
  | "acc"
  | "ver"
  | "ws"
  | "mem"
  | "inv"
  | "tfa"
  | "key"
  | "aud"
  | "eml"
  | "agt"
  | "act"
  | "prv"
  | "cnv"
  | "msg"
  | "ctc"
  | "led"
  | "lnt"
  | "src"
  | "chk"
  | "gap"
  | "bev"
  | "cnr"
  | "id";

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomToken(20)}`;
}
