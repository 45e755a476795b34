import { chromium } from "@playwright/test";
const base = "http://127.0.0.1:3200";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const login = await browser.newContext();
const req = login.request;
const { csrfToken } = await (await req.get(`${base}/api/auth/csrf`)).json();
await req.post(`${base}/api/auth/callback/credentials`, { form: { csrfToken, email: "first-admin@reel.test", password: "first admin password", callbackUrl: "/" }, maxRedirects: 0 });
if (process.argv[2] === "seed") {
  await req.post(`${base}/api/users`, { data: { name: "Grace Hopper", email: "grace@reel.test", role: "member", canUpload: true, password: "grace password 1" } });
  await req.post(`${base}/api/users`, { data: { name: "Alan Turing", email: "alan@reel.test" } });
  const r = await req.post(`${base}/api/users`, { data: { name: "Ada Lovelace", email: "ada@reel.test", role: "admin", password: "ada password 12" } });
  const { user } = await r.json();
  await req.patch(`${base}/api/users/${user.id}`, { data: { disabled: true } });
  await req.post(`${base}/api/tokens`, { data: { name: "backup script" } });
}
const state = await login.storageState();
for (const [w, h] of [[390, 844], [1440, 900]]) {
  const ctx = await browser.newContext({ viewport: { width: w, height: h }, storageState: state });
  const page = await ctx.newPage();
  for (const [name, path] of [["home", "/"], ["users", "/admin/users"], ["tokens", "/settings/tokens"]]) {
    await page.goto(base + path);
    await page.screenshot({ path: `/tmp/reel-auth/shots/${name}-${w}.png`, fullPage: name !== "home" });
  }
  await page.goto(base + "/");
  if (w < 700) { await page.getByRole("button", { name: "Open menu" }).click(); }
  else { await page.getByRole("button", { name: /account menu/ }).click(); }
  await page.waitForTimeout(300);
  await page.screenshot({ path: `/tmp/reel-auth/shots/menu-${w}.png` });
  const anon = await browser.newContext({ viewport: { width: w, height: h } });
  const p2 = await anon.newPage();
  await p2.goto(base + "/login");
  await p2.getByLabel("Email").fill("someone@reel.test");
  await p2.getByLabel("Password").fill("wrong password");
  await p2.getByRole("button", { name: "Sign in", exact: true }).click();
  await p2.getByTestId("login-error").waitFor();
  await p2.screenshot({ path: `/tmp/reel-auth/shots/login-${w}.png` });
  await p2.goto(base + "/admin/users");
  await anon.close();
  await ctx.close();
}
await browser.close();
