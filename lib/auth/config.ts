import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { env } from "@/lib/env";
import { findUserByEmail, markLoggedIn } from "./queries";
import { verifyAgainstDecoy, verifyPassword } from "./passwords";

declare module "next-auth" {
  interface User {
    role?: "admin" | "member";
  }
  interface Session {
    user: { id: string; role: "admin" | "member" } & DefaultSession["user"];
  }
}

const credentialsSchema = z.object({ email: z.string().email(), password: z.string().min(1).max(1024) });

/** One message for every failed sign-in, so nobody learns which accounts exist. */
class InvalidLogin extends CredentialsSignin {
  code = "invalid_credentials";
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  secret: env.AUTH_SECRET,
  session: { strategy: "jwt", maxAge: 30 * 24 * 3600 },
  pages: { signIn: "/login" },
  providers: [
    Credentials({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(raw) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) throw new InvalidLogin();
        const { email, password } = parsed.data;
        const user = await findUserByEmail(email);
        const ok =
          user?.passwordHash && !user.disabledAt
            ? await verifyPassword(user.passwordHash, password)
            : await verifyAgainstDecoy(password);
        if (!ok || !user) throw new InvalidLogin();
        await markLoggedIn(user.id);
        return { id: user.id, email: user.email, name: user.name, role: user.role };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) token.sub = user.id;
      return token;
    },
    session({ session, token }) {
      // Role and name are re-read from the database per request (lib/auth/session.ts), never trusted from the cookie.
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
});
