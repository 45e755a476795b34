/** Every page but the watch page: nothing to start before the page's content. */
export default function NoEarlyStart() {
  return null;
}
