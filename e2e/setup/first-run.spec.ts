import { hasAnyUser } from "../../lib/users/queries";
import { expect, FIRST_ADMIN, test } from "../fixtures";
import { SetupPage } from "../pages/setup-page";
import { ShellPage } from "../pages/shell-page";

// Runs before every other spec, on an instance with no account yet.
test("first run: any page leads to /setup, which creates the administrator and signs them in", async ({ page }) => {
  // Every later spec depends on this one: a fresh instance's first pages and an argon2id hash on a busy machine
  // must not fail the whole run for want of time.
  test.slow();
  test.skip(await hasAnyUser(), "the instance under test already has accounts; first-run needs an empty one");

  for (const path of ["/", "/admin/users", "/login", "/settings/tokens"]) {
    await page.goto(path);
    // Through /login, whose redirect may come after the page's scripts have run.
    await expect(page, `${path} should lead to /setup`).toHaveURL(/\/setup$/, { timeout: 15_000 });
  }

  const setup = new SetupPage(page);
  await setup.expectOpen();
  await setup.fill({ ...FIRST_ADMIN, password: "short", confirmPassword: "short" });
  await setup.submit();
  await expect(setup.fieldError("Use at least 10 characters")).toBeVisible();

  await setup.fill({ ...FIRST_ADMIN, confirmPassword: `${FIRST_ADMIN.password}!` });
  await setup.submit();
  await expect(setup.fieldError("The passwords do not match")).toBeVisible();

  await setup.fill(FIRST_ADMIN);
  await setup.submit();
  // An argon2id hash, then the sign-in.
  await expect(page).toHaveURL(/\/$/, { timeout: 15_000 });
  await expect(page.getByText("No videos yet — upload one")).toBeVisible();
  const shell = new ShellPage(page);
  await shell.expectSignedInAs(FIRST_ADMIN.name);
  expect(await shell.navLinks()).toEqual(["Home", "Videos", "Favorites", "History", "Play a link", "Downloads", "Upload", "Admin"]);

  // Once an account exists, /setup is closed, for the browser and for a replayed form alike.
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/$/);
  await page.context().clearCookies();
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/login$/);
});
