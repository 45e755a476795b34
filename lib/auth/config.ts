import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { env } from "@/lib/env";
import { childLogger } from "@/lib/log";
import { verifyAgainstDecoy, verifyPassword } from "./passwords";
import { findUserByEmail, markLoggedIn } from "./queries";

const log = childLogger("auth");

declare module "next-auth" {
  interface User {
    sessionVersion?: number;
  }
}
declare module "next-auth/jwt" {
  interface JWT {
    sessionVersion?: number;
  }
}

const credentialsSchema = z.object({ email: z.string().trim().max(320), password: z.string().min(1).max(1024) });

/** One error for every failed sign-in (unknown email, wrong password, disabled or invited-only account). */
export class InvalidLogin extends CredentialsSignin {
  code = "invalid_credentials";
}

/**
 * Auth.js with the standard endpoints under /api/auth (csrf, callback/credentials, signout), so scripts
 * sign in with a CSRF token and a cookie jar like the browser does. Sessions are JWTs holding only the
 * user id: who the user is now (role, disabled) is read from the database per request (./session.ts).
 * The rate limit wraps these endpoints in app/api/auth/[...nextauth]/route.ts and the login action.
 */
export const { handlers, signIn, signOut } = NextAuth({
  trustHost: true,
  secret: env.AUTH_SECRET,
  session: { strategy: "jwt", maxAge: 30 * 24 * 3600 },
  pages: { signIn: "/login", error: "/login" },
  logger: {
    error(error) {
      // A failed sign-in is routine; the rate limit, not the error log, is where it matters.
      if (error instanceof CredentialsSignin) log.debug({ type: error.type }, "sign-in failed");
      else log.error({ err: error }, "auth error");
    },
    warn(code) {
      log.warn({ code }, "auth warning");
    },
    debug(message, metadata) {
      log.debug({ metadata }, message);
    },
  },
  providers: [
    Credentials({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(raw) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) throw new InvalidLogin();
        const { email, password } = parsed.data;
        const user = await findUserByEmail(email);
        // Unknown accounts verify against a decoy hash so both paths take the same time.
        const ok = user?.passwordHash && !user.disabledAt ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDecoy(password);
        if (!ok || !user) throw new InvalidLogin();
        await markLoggedIn(user.id);
        return { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) {
        token.sub = user.id;
        // The account's session version at sign-in: the cookie is honoured while it is current (./session.ts).
        token.sessionVersion = user.sessionVersion;
      }
      return token;
    },
  },
});
