export { layout, type PublishedFolder } from "./layout";
export { localStorage as storage, type MediaStorage } from "./local";
