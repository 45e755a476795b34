import { PageObject } from "./page-object";

/** /admin/quality: the playing-now panel, the figure cards and the charts. */
export class QualityPage extends PageObject {
  async goto(range: "24h" | "7d" | "30d" = "24h") {
    await this.open(`/admin/quality?range=${range}`, "Playback quality");
  }

  /** Streams in the playing-now panel of the video `videoId`. */
  playing(videoId: string) {
    return this.page.getByTestId("playing-now").locator(`[data-testid="playing-stream"][data-video="${videoId}"]`);
  }

  chart(label: string) {
    return this.page.locator(`[data-testid="stats-chart"][data-chart="${label}"]`);
  }

  /** How wide the page is laid out, in CSS pixels: more than the viewport means it scrolls sideways. */
  layoutWidth() {
    return this.page.evaluate(() => document.documentElement.scrollWidth);
  }

  card(label: string) {
    return this.page.locator(`[data-testid="stat-card"][data-stat="${label}"] dd`);
  }
}
