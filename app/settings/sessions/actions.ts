"use server";

import { z } from "zod";
import { signOut } from "@/lib/auth/config";
import { formAction } from "@/lib/guards/form-action";
import { signOutEverywhere } from "@/lib/users/accounts";

/** Ends every session of the viewer's account, then this one's cookie too: back to the sign-in page. */
export const signOutEverywhereAction = formAction("user", z.object({}), async (_input, viewer) => {
  await signOutEverywhere(viewer);
  await signOut({ redirectTo: "/login" });
  return null;
});
