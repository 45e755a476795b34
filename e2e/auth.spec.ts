import type { Browser, Page } from "@playwright/test";
import { apiSignIn, clearLoginFailures, createAccount, deleteAccount, expect, test, uniqueEmail, uniqueIp, type Account } from "./fixtures";
import { baseURL } from "./env";
import { AdminUsersPage } from "./pages/admin-users-page";
import { LoginPage } from "./pages/login-page";
import { PasswordPage } from "./pages/password-page";
import { SessionsPage } from "./pages/sessions-page";
import { ShellPage } from "./pages/shell-page";
import { TokensPage } from "./pages/tokens-page";

test.describe("signing in and out", () => {
  test("the login page signs in, returns to the page asked for, and signs out", async ({ page, member }) => {
    await page.goto("/settings/tokens");
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fsettings%2Ftokens$/);
    const login = new LoginPage(page);
    await login.signIn(member.account.email, member.account.password);
    await expect(page).toHaveURL(/\/settings\/tokens$/);

    const shell = new ShellPage(page);
    await shell.expectSignedInAs(member.account.name);
    expect(await shell.navLinks()).toEqual(["Home", "Videos", "Favorites", "History", "Play a link", "Downloads"]);
    await shell.signOut();
    await page.goto("/settings/tokens");
    await expect(page).toHaveURL(/\/login/);
  });

  test("on a phone, the compact menu holds the navigation and sign-out", async ({ uploaderPage, uploader }) => {
    await uploaderPage.setViewportSize({ width: 390, height: 844 });
    await uploaderPage.goto("/");
    const shell = new ShellPage(uploaderPage);
    expect(await shell.isCompact()).toBe(true);
    expect(await shell.navLinks()).toEqual(["Home", "Videos", "Favorites", "History", "Play a link", "Downloads", "Upload"]);
    await shell.expectSignedInAs(uploader.account.name);
    await shell.openMobileMenu();
    await uploaderPage.keyboard.press("Escape");
    await expect(uploaderPage.locator("#mobile-menu")).toBeHidden();
    await shell.signOut();
  });

  test("a wrong password and an unknown email get the same generic message", async ({ page, member }) => {
    const ip = uniqueIp();
    await page.setExtraHTTPHeaders({ "x-forwarded-for": ip });
    try {
      const login = new LoginPage(page);
      await login.goto();
      await login.signIn(member.account.email, "not the password");
      await expect(login.error).toHaveText("Wrong email or password.");
      await expect(login.email).toHaveValue(member.account.email);
      await login.signIn(uniqueEmail("nobody"), "not the password");
      await expect(login.error).toHaveText("Wrong email or password.");
      await expect(page).toHaveURL(/\/login/);
    } finally {
      await clearLoginFailures({ ips: [ip], emails: [member.account.email] });
    }
  });

  test("a script signs in with a CSRF token and a cookie jar, calls the API, and signs out", async ({ member }) => {
    const jar = new Map<string, string>();
    const keep = (response: Response) => {
      for (const header of response.headers.getSetCookie()) {
        const [pair] = header.split(";");
        const name = pair.slice(0, pair.indexOf("="));
        const value = pair.slice(pair.indexOf("=") + 1);
        if (!value || /max-age=0|expires=thu, 01 jan 1970/i.test(header)) jar.delete(name);
        else jar.set(name, value);
      }
      return response;
    };
    const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const form = (fields: Record<string, string>) => ({
      method: "POST",
      redirect: "manual" as const,
      headers: { cookie: cookie(), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields),
    });

    const { csrfToken } = await keep(await fetch(`${baseURL}/api/auth/csrf`)).json();
    expect((await fetch(`${baseURL}/api/tokens`, { headers: { cookie: cookie() } })).status).toBe(401);
    const signIn = keep(await fetch(`${baseURL}/api/auth/callback/credentials`, form({ csrfToken, email: member.account.email, password: member.account.password, callbackUrl: "/" })));
    expect(signIn.status).toBe(302);
    // (Next reports loopback hosts as "localhost", so only the path is compared.)
    expect(new URL(signIn.headers.get("location")!).pathname).toBe("/");
    expect(jar.has("authjs.session-token")).toBe(true);

    const tokens = await fetch(`${baseURL}/api/tokens`, { headers: { cookie: cookie() } });
    expect(tokens.status).toBe(200);
    expect(await tokens.json()).toEqual({ tokens: expect.any(Array) });

    const { csrfToken: again } = await keep(await fetch(`${baseURL}/api/auth/csrf`, { headers: { cookie: cookie() } })).json();
    const signOut = keep(await fetch(`${baseURL}/api/auth/signout`, form({ csrfToken: again, callbackUrl: "/login" })));
    expect(signOut.status).toBe(302);
    expect(jar.has("authjs.session-token")).toBe(false);
    expect((await fetch(`${baseURL}/api/tokens`, { headers: { cookie: cookie() } })).status).toBe(401);

    // Without the CSRF token nothing happens.
    const forged = await fetch(`${baseURL}/api/auth/callback/credentials`, form({ email: member.account.email, password: member.account.password }));
    expect(forged.headers.getSetCookie().some((c) => c.startsWith("authjs.session-token="))).toBe(false);
    await clearLoginFailures({ ips: ["127.0.0.1"], emails: [member.account.email] });
  });
});

test.describe("own password", () => {
  test("changing it needs the current one; afterwards only the new one signs in", async ({ page }) => {
    const account = await createAccount();
    const fresh = "a fresh password 4567";
    try {
      const login = new LoginPage(page);
      await page.goto("/settings/password");
      await login.signIn(account.email, account.password);
      const settings = new PasswordPage(page);
      await settings.expectLoaded();

      await settings.change("not my password", fresh);
      await expect(page.getByText("This is not your current password")).toBeVisible();
      await settings.change(account.password, fresh);
      await expect(page.getByText("Your password was changed")).toBeVisible();

      await new ShellPage(page).signOut();
      await login.goto();
      await login.signIn(account.email, account.password);
      await expect(login.error).toHaveText("Wrong email or password.");
      await login.signIn(account.email, fresh);
      await expect(page).toHaveURL(`${baseURL}/`);
    } finally {
      await clearLoginFailures({ ips: ["127.0.0.1"], emails: [account.email] });
      await deleteAccount(account.id);
    }
  });
});

test.describe("sessions on several devices", () => {
  /** One browser context per device, each signed in on its own. */
  async function devices(browser: Browser, account: Account, count: number) {
    return Promise.all(
      Array.from({ length: count }, async () => {
        const context = await browser.newContext();
        expect((await apiSignIn(context.request, account.email, account.password)).status()).toBe(302);
        return context.newPage();
      }),
    );
  }

  /** Where a device lands when it asks for a signed-in page: that page, or the sign-in page. */
  async function signedIn(page: Page) {
    await page.goto("/settings/tokens");
    await expect(page.getByRole("heading", { name: /^(API tokens|Sign in to Reel)$/ })).toBeVisible();
    return !new URL(page.url()).pathname.startsWith("/login");
  }

  test("signing out of all devices on one signs the others out on their next page", async ({ browser }) => {
    // Several devices signing in (argon2id, deliberately slow) and a page each after the sign-out.
    test.slow();
    const account = await createAccount();
    try {
      const [laptop, phone] = await devices(browser, account, 2);
      expect(await signedIn(laptop)).toBe(true);
      expect(await signedIn(phone)).toBe(true);

      const sessions = new SessionsPage(laptop);
      await sessions.goto();
      await sessions.signOutEverywhere();
      expect(await signedIn(phone)).toBe(false);
      expect(await signedIn(laptop)).toBe(false);
      await laptop.context().close();
      await phone.context().close();
    } finally {
      await deleteAccount(account.id);
    }
  });

  test("a password change signs the other devices out, not the one it was made on", async ({ browser }) => {
    // Two devices, three password hashes (argon2id, deliberately slow) and five navigations.
    test.slow();
    const account = await createAccount();
    const fresh = "a fresh password 8910";
    try {
      const [laptop, phone] = await devices(browser, account, 2);
      expect(await signedIn(phone)).toBe(true);

      await laptop.goto("/settings/password");
      const settings = new PasswordPage(laptop);
      await settings.expectLoaded();
      await settings.change(account.password, fresh);
      await expect(laptop.getByText("Your password was changed")).toBeVisible();

      expect(await signedIn(phone)).toBe(false);
      expect(await signedIn(laptop)).toBe(true);
      await new LoginPage(phone).signIn(account.email, fresh);
      await expect(phone).toHaveURL(/\/settings\/tokens$/);
      await laptop.context().close();
      await phone.context().close();
    } finally {
      await clearLoginFailures({ ips: ["127.0.0.1"], emails: [account.email] });
      await deleteAccount(account.id);
    }
  });
});

test.describe("sign-in rate limit", () => {
  test("more than 10 failures from one address → 429 with Retry-After, and the login page says when to retry", async ({ playwright, browser, member }) => {
    const ip = uniqueIp();
    const emails: string[] = [];
    const request = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { "x-forwarded-for": ip } });
    try {
      for (let i = 0; i < 10; i++) {
        const email = uniqueEmail("nobody");
        emails.push(email);
        const failed = await apiSignIn(request, email, "wrong password");
        expect(failed.status()).toBe(302);
        expect(failed.headers()["location"]).toContain("/login?error=CredentialsSignin");
      }
      const limited = await apiSignIn(request, uniqueEmail("nobody"), "wrong password");
      expect(limited.status()).toBe(429);
      const retryAfter = Number(limited.headers()["retry-after"]);
      expect(retryAfter).toBeGreaterThan(240);
      expect(retryAfter).toBeLessThanOrEqual(300);
      expect(await limited.json()).toMatchObject({ error: { code: "rate_limited", message: "Too many failed sign-in attempts. Try again in 5 minutes." } });
      // Even the right password waits: the address is locked, not the guess.
      expect((await apiSignIn(request, member.account.email, member.account.password)).status()).toBe(429);
      // Other addresses are not affected.
      const elsewhere = await apiSignIn(request, member.account.email, member.account.password, { "x-forwarded-for": uniqueIp() });
      expect(elsewhere.status()).toBe(302);
      expect(elsewhere.headers()["location"]).not.toContain("error=");

      const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": ip } });
      const page = await context.newPage();
      const login = new LoginPage(page);
      await login.goto();
      await login.signIn(member.account.email, member.account.password);
      await expect(login.error).toContainText("Too many failed sign-in attempts. Try again in 5 minutes.");
      await expect(page).toHaveURL(/\/login/);
      await context.close();
    } finally {
      await request.dispose();
      await clearLoginFailures({ ips: [ip], emails });
    }
  });

  test("more than 10 failures on one account from many addresses → 429 for that account only", async ({ playwright }) => {
    const victim = await createAccount();
    const bystander = await createAccount();
    const ips: string[] = [];
    const request = await playwright.request.newContext({ baseURL });
    const from = () => {
      const ip = uniqueIp();
      ips.push(ip);
      return { "x-forwarded-for": ip };
    };
    try {
      for (let i = 0; i < 10; i++) expect((await apiSignIn(request, victim.email, `guess ${i}`, from())).headers()["location"]).toContain("error=");
      const limited = await apiSignIn(request, victim.email.toUpperCase(), victim.password, from());
      expect(limited.status()).toBe(429);
      expect(Number(limited.headers()["retry-after"])).toBeGreaterThan(0);
      const other = await apiSignIn(request, bystander.email, bystander.password, from());
      expect(other.status()).toBe(302);
      expect(other.headers()["location"]).not.toContain("error=");
    } finally {
      await request.dispose();
      await clearLoginFailures({ ips, emails: [victim.email] });
      await deleteAccount(victim.id);
      await deleteAccount(bystander.id);
    }
  });
});

test.describe("authorisation", () => {
  test("a member cannot open admin pages nor call admin APIs", async ({ memberPage, admin, playwright }) => {
    for (const path of ["/admin", "/admin/users"]) {
      const response = await memberPage.goto(path);
      expect(response?.status(), path).toBe(403);
      await expect(memberPage.getByRole("heading", { name: "You don't have access to this page" })).toBeVisible();
      await expect(memberPage.getByRole("form", { name: "Add a user" })).toHaveCount(0);
    }
    expect(await new ShellPage(memberPage).navLinks()).not.toContain("Admin");

    const api = memberPage.request;
    const id = admin.account.id;
    expect((await api.get("/api/users")).status()).toBe(403);
    expect((await api.post("/api/users", { data: { name: "Sneaky", email: uniqueEmail(), role: "admin", password: "0123456789abc" } })).status()).toBe(403);
    expect((await api.get(`/api/users/${id}`)).status()).toBe(403);
    expect((await api.patch(`/api/users/${id}`, { data: { role: "member" } })).status()).toBe(403);
    expect((await api.delete(`/api/users/${id}`)).status()).toBe(403);
    expect((await api.post(`/api/users/${id}/invite`)).status()).toBe(403);

    const anonymous = await playwright.request.newContext({ baseURL });
    expect((await anonymous.get("/api/users")).status()).toBe(401);
    expect((await anonymous.get("/api/tokens")).status()).toBe(401);
    await anonymous.dispose();
  });

  test("a forged x-middleware-subrequest header gets nothing protected", async ({ playwright, member }) => {
    const forgeries = [
      "proxy",
      "middleware",
      "proxy:proxy:proxy:proxy:proxy",
      "middleware:middleware:middleware:middleware:middleware",
      "src/proxy:src/proxy:src/proxy:src/proxy:src/proxy",
      "pages/_middleware",
    ];
    for (const value of forgeries) {
      const anonymous = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { "x-middleware-subrequest": value } });
      for (const path of ["/admin/users", "/settings/tokens", "/"]) {
        const response = await anonymous.get(path, { maxRedirects: 0 });
        expect(response.status(), `${value} ${path}`).toBe(307);
        expect(response.headers()["location"]).toMatch(/\/login/);
        expect(await response.text()).not.toContain("Add a user");
      }
      expect((await anonymous.get("/api/users")).status()).toBe(401);
      expect((await anonymous.get("/api/tokens")).status()).toBe(401);
      expect((await anonymous.post("/api/tokens", { data: { name: "x" } })).status()).toBe(401);
      await anonymous.dispose();

      const asMember = await playwright.request.newContext({ baseURL, storageState: member.storageState, extraHTTPHeaders: { "x-middleware-subrequest": value } });
      expect((await asMember.get("/admin/users", { maxRedirects: 0 })).status()).toBe(403);
      expect((await asMember.get("/api/users")).status()).toBe(403);
      await asMember.dispose();
    }
  });
});

test.describe("API tokens", () => {
  test("created in the UI and shown once, used as Bearer, revoked → 401", async ({ memberPage, playwright }) => {
    const tokens = new TokensPage(memberPage);
    await tokens.goto();
    const secret = await tokens.create("ci script");
    expect(secret).toMatch(/^reel_[A-Za-z0-9_-]{43}$/);
    await memberPage.reload();
    await expect(memberPage.getByTestId("new-token")).toHaveCount(0);
    await expect(tokens.row("ci script")).toContainText(secret.slice(0, 11));

    const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${secret}` } });
    const listed = await api.get("/api/tokens");
    expect(listed.status()).toBe(200);
    const { tokens: list } = await listed.json();
    expect(list.map((t: { name: string }) => t.name)).toContain("ci script");
    expect(JSON.stringify(list)).not.toContain(secret);
    expect((await api.get("/api/users")).status()).toBe(403);

    const created = await api.post("/api/tokens", { data: { name: "from the API" } });
    expect(created.status()).toBe(201);
    const second = await created.json();
    expect(second.token).toMatch(/^reel_/);
    const bad = await api.post("/api/tokens", { data: { name: "  " } });
    expect(bad.status()).toBe(400);
    expect((await bad.json()).error.details.fields[0].field).toBe("name");

    const viaSecond = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${second.token}` } });
    expect((await viaSecond.get("/api/tokens")).status()).toBe(200);
    expect((await api.delete(`/api/tokens/${second.id}`)).status()).toBe(204);
    expect((await viaSecond.get("/api/tokens")).status()).toBe(401);

    await tokens.revoke("ci script");
    expect((await api.get("/api/tokens")).status()).toBe(401);
    await api.dispose();
    await viaSecond.dispose();
  });

  test("disabling a user ends their sessions and revokes their tokens: enabling them again revives neither", async ({ adminPage, playwright }) => {
    const user = await createAccount();
    try {
      const session = await playwright.request.newContext({ baseURL });
      await apiSignIn(session, user.email, user.password);
      const { token } = await (await session.post("/api/tokens", { data: { name: "laptop" } })).json();
      const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
      expect((await api.get("/api/tokens")).status()).toBe(200);

      expect((await adminPage.request.patch(`/api/users/${user.id}`, { data: { disabled: true } })).status()).toBe(200);
      expect((await api.get("/api/tokens")).status()).toBe(401);
      expect((await session.get("/api/tokens")).status()).toBe(401);

      expect((await adminPage.request.patch(`/api/users/${user.id}`, { data: { disabled: false } })).status()).toBe(200);
      expect((await api.get("/api/tokens")).status()).toBe(401);
      expect((await session.get("/api/tokens")).status()).toBe(401);
      // Signing in again works, and starts with no live token.
      expect((await apiSignIn(session, user.email, user.password)).status()).toBe(302);
      expect(await (await session.get("/api/tokens")).json()).toEqual({ tokens: [] });
      await api.dispose();
      await session.dispose();
    } finally {
      await deleteAccount(user.id);
    }
  });
});

test.describe("managing users", () => {
  test("invite link: the person chooses a password and is signed in; the link then stops working", async ({ adminPage, browser }) => {
    const users = new AdminUsersPage(adminPage);
    await users.goto();
    const email = uniqueEmail("invitee");
    const link = await users.addUser({ name: "Ivy Invitee", email, canUpload: true });
    expect(link).toMatch(new RegExp(`^${baseURL}/invite/reeli_[A-Za-z0-9_-]{43}$`));
    await expect(users.row(email)).toContainText("Invited");

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(link!);
    await expect(page.getByRole("heading", { name: "Welcome, Ivy Invitee" })).toBeVisible();
    await page.getByLabel("Password", { exact: true }).fill("ivy's new password");
    await page.getByLabel("Confirm password").fill("ivy's new password");
    await page.getByRole("button", { name: "Set password and sign in" }).click();
    // Setting the password hashes it (argon2id, deliberately slow), then signs in: more than the usual 5 s on a busy machine.
    await expect(page).toHaveURL(`${baseURL}/`, { timeout: 15_000 });
    const shell = new ShellPage(page);
    await shell.expectSignedInAs("Ivy Invitee");
    expect(await shell.navLinks()).toEqual(["Home", "Videos", "Favorites", "History", "Play a link", "Downloads", "Upload"]);
    await context.close();

    const stranger = await browser.newContext();
    const again = await stranger.newPage();
    await again.goto(link!);
    await expect(again.getByRole("heading", { name: "This invite link no longer works" })).toBeVisible();
    await stranger.close();

    await users.goto();
    await expect(users.row(email)).not.toContainText("Invited");
    await users.act(email, "Delete");
    await expect(users.row(email)).toHaveCount(0);
  });

  test("admins change roles and upload rights, disable and delete accounts, but never their own", async ({ adminPage, admin, playwright }) => {
    const users = new AdminUsersPage(adminPage);
    await users.goto();
    const email = uniqueEmail("managed");
    const password = "managed password 1";
    await users.addUser({ name: "Mo Managed", email, password });
    const row = users.row(email);
    await expect(row).toContainText("Member");

    await users.act(email, "Allow uploads");
    await expect(row).toContainText("Can upload");
    await users.act(email, "Make admin");
    await expect(row.getByText("Admin", { exact: true })).toBeVisible();
    await users.act(email, "Make member");
    await expect(row.getByText("Member", { exact: true })).toBeVisible();
    await users.act(email, "Disable");
    await expect(row).toContainText("Disabled");

    const ip = uniqueIp();
    const request = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { "x-forwarded-for": ip } });
    try {
      expect((await apiSignIn(request, email, password)).headers()["location"]).toContain("error=");
      await users.act(email, "Enable");
      await expect(row).not.toContainText("Disabled");
      expect((await apiSignIn(request, email, password)).headers()["location"]).not.toContain("error=");
    } finally {
      await request.dispose();
      await clearLoginFailures({ ips: [ip], emails: [email] });
    }

    await users.act(email, "Delete");
    await expect(row).toHaveCount(0);

    const me = users.row(admin.account.email);
    await expect(me).toContainText("You");
    await expect(me.getByRole("button", { name: "Delete" })).toHaveCount(0);
    await expect(me.getByRole("button", { name: "Disable" })).toHaveCount(0);
    const selfDelete = await adminPage.request.delete(`/api/users/${admin.account.id}`);
    expect(selfDelete.status()).toBe(409);
    expect((await selfDelete.json()).error.message).toBe("You cannot delete your own account");
  });

  test("the users API validates input and hands out invite links", async ({ adminPage }) => {
    const api = adminPage.request;
    const bad = await api.post("/api/users", { data: { name: "No Email", email: "not-an-email" } });
    expect(bad.status()).toBe(400);
    expect((await bad.json()).error.details.fields.map((f: { field: string }) => f.field)).toEqual(["email"]);

    const created = await api.post("/api/users", { data: { name: "Api Invitee", email: uniqueEmail("api") } });
    expect(created.status()).toBe(201);
    const { user, invite } = await created.json();
    expect(user).toMatchObject({ role: "member", canUpload: false, status: "invited" });
    expect(user.passwordHash).toBeUndefined();
    expect(invite.url).toMatch(/\/invite\/reeli_/);

    const duplicate = await api.post("/api/users", { data: { name: "Again", email: user.email.toUpperCase() } });
    expect(duplicate.status()).toBe(409);

    const renewed = await api.post(`/api/users/${user.id}/invite`);
    expect(renewed.status()).toBe(201);
    expect((await renewed.json()).invite.url).not.toBe(invite.url);
    expect((await api.delete(`/api/users/${user.id}`)).status()).toBe(204);
    expect((await api.get(`/api/users/${user.id}`)).status()).toBe(404);
  });
});
