import { headers } from "next/headers";
import { scriptNonce } from "./security-headers";

/**
 * The nonce of the page being rendered, for Reel's own inline scripts: the one the proxy put in the request's
 * Content-Security-Policy (proxy.ts), which Next also reads for its scripts. Undefined where no proxy ran.
 */
export async function pageNonce(): Promise<string | undefined> {
  return scriptNonce((await headers()).get("content-security-policy"));
}
