/** The watch page's <video> (owned by the player): the islands around it only read it and listen to it. */
export function playerVideo(): HTMLVideoElement | null {
  return document.querySelector<HTMLVideoElement>('[data-testid="player"] video');
}
