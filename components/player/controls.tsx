"use client";

import { formatTime } from "@/lib/playback/shortcuts";
import { chapterAt } from "@/lib/videos/chapters";
import { Icon } from "./icons";
import { Menu, type MenuGroup } from "./menu";
import { SPEEDS } from "./preferences";
import { SeekBar } from "./seek-bar";
import type { PlayerSource } from "./types";
import { controlsShown, type PlayerMenu, type PlayerState } from "./use-player-state";

/** What the control bar asks of the player: each acts on the <video> element, whose events then update the state. */
export type PlayerCommands = {
  togglePlay(): void;
  seek(time: number): void;
  changeVolume(volume: number, muted?: boolean): void;
  setRate(rate: number): void;
  selectLevel(index: number): void;
  selectAudioTrack(index: number): void;
  selectCaption(index: number): void;
  togglePip(): void;
  toggleFullscreen(): void;
  openMenu(menu: PlayerMenu): void;
};

/** `wideOnly`: left out below the sm breakpoint, where a phone's bar has room for six buttons and the clock. */
function ControlButton({
  label,
  onClick,
  children,
  pressed,
  menu,
  wideOnly,
}: {
  label: string;
  onClick(): void;
  children: React.ReactNode;
  pressed?: boolean;
  menu?: boolean;
  wideOnly?: boolean;
}) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      aria-pressed={pressed}
      aria-haspopup={menu ? "menu" : undefined}
      data-menu-button={menu ? "" : undefined}
      onClick={onClick}
      className={`${wideOnly ? "hidden sm:flex" : "flex"} h-11 w-11 shrink-0 items-center justify-center rounded-full text-white/90 hover:bg-white/10 hover:text-white focus-visible:ring-2 focus-visible:ring-white focus-visible:outline-none`}
    >
      {children}
    </button>
  );
}

/** The bar under the picture: seek bar, play, volume, time, chapters, audio, captions, settings, picture in picture, full screen. */
export function PlayerControls({
  state,
  source,
  pipSupported,
  commands,
}: {
  state: PlayerState;
  source: Pick<PlayerSource, "captions" | "chapters" | "storyboardUrl">;
  pipSupported: boolean;
  commands: PlayerCommands;
}) {
  const { playing, muted, volume, currentTime, duration, caption, menu, fullscreen, pip, mode, levels, level, playingHeight, rate } = state;
  const autoLabel = level === -1 && playingHeight ? `Auto (${playingHeight}p)` : "Auto";
  const settingsGroups: MenuGroup[] = [
    ...(mode === "hls" && levels.length > 1
      ? [
          {
            label: "Quality",
            options: [
              ...[...levels].reverse().map((l) => ({ key: String(l.index), label: `${l.height}p`, checked: level === l.index, onSelect: () => commands.selectLevel(l.index) })),
              { key: "auto", label: autoLabel, checked: level === -1, onSelect: () => commands.selectLevel(-1) },
            ],
          },
        ]
      : []),
    {
      label: "Speed",
      options: SPEEDS.map((s) => ({ key: String(s), label: s === 1 ? "Normal" : `${s}×`, checked: rate === s, onSelect: () => commands.setRate(s) })),
    },
  ];
  const captionGroups: MenuGroup[] = [
    {
      label: "Captions",
      options: [
        { key: "off", label: "Off", checked: caption === -1, onSelect: () => commands.selectCaption(-1) },
        ...source.captions.map((c, i) => ({ key: c.src, label: c.label, checked: caption === i, onSelect: () => commands.selectCaption(i) })),
      ],
    },
  ];
  const audioGroups: MenuGroup[] = [
    {
      label: "Audio",
      options: state.audioTracks.map((t) => ({
        key: String(t.index),
        label: t.language ? `${t.name} (${t.language})` : t.name,
        checked: state.audioTrack === t.index,
        onSelect: () => commands.selectAudioTrack(t.index),
      })),
    },
  ];
  const current = chapterAt(source.chapters, currentTime);
  const chapterGroups: MenuGroup[] = [
    {
      label: "Chapters",
      options: source.chapters.map((c) => ({ key: String(c.start), label: `${formatTime(c.start)} ${c.title}`, checked: current === c, onSelect: () => commands.seek(c.start) })),
    },
  ];

  return (
    <div
      className={`absolute inset-x-0 bottom-0 bg-gradient-to-t from-black/85 via-black/50 to-transparent px-2 pt-6 pb-1 sm:pt-10 transition-opacity duration-200 sm:px-3 ${controlsShown(state) ? "opacity-100" : "pointer-events-none opacity-0"}`}
    >
      {/* What changed, for screen readers: the buttons' names change too, but only the focused one is read. */}
      <span className="sr-only" aria-live="polite" data-testid="player-status">
        {state.started ? `${playing ? "Playing" : "Paused"}${muted ? ", muted" : ""}` : ""}
      </span>
      <SeekBar currentTime={currentTime} duration={duration} buffered={state.buffered} storyboardUrl={source.storyboardUrl} chapters={source.chapters} onSeek={commands.seek} />
      <div className="relative flex items-center gap-0.5 sm:gap-1">
        <ControlButton label={playing ? "Pause (k)" : "Play (k)"} onClick={commands.togglePlay}>
          <Icon name={playing ? "pause" : "play"} />
        </ControlButton>
        <ControlButton label={muted ? "Unmute (m)" : "Mute (m)"} onClick={() => commands.changeVolume(volume || 1, !muted)} pressed={muted}>
          <Icon name={muted || volume === 0 ? "muted" : "volume"} />
        </ControlButton>
        <input
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={muted ? 0 : volume}
          onChange={(e) => commands.changeVolume(Number(e.target.value))}
          aria-label="Volume"
          className="hidden h-11 w-20 accent-white [@media(pointer:fine)]:block"
        />
        <span className="px-1 text-xs whitespace-nowrap text-white/90 tabular-nums sm:text-sm" data-testid="time">
          {formatTime(currentTime)} <span className="hidden text-white/50 sm:inline">/ {formatTime(duration)}</span>
        </span>
        {/* The chapter playing, beside the clock on screens wide enough for it. */}
        <span className="hidden min-w-0 truncate px-1 text-sm text-white/80 sm:block" data-testid="current-chapter">
          {current && `· ${current.title}`}
        </span>
        <div className="flex-1" />
        {source.chapters.length > 0 && (
          <ControlButton label="Chapters" onClick={() => commands.openMenu(menu === "chapters" ? null : "chapters")} menu>
            <Icon name="chapters" />
          </ControlButton>
        )}
        {state.audioTracks.length > 1 && (
          <ControlButton label="Audio" onClick={() => commands.openMenu(menu === "audio" ? null : "audio")} menu>
            <Icon name="audio" />
          </ControlButton>
        )}
        {source.captions.length > 0 && (
          <ControlButton label="Captions (c)" onClick={() => commands.openMenu(menu === "captions" ? null : "captions")} pressed={caption >= 0} menu>
            <Icon name="captions" />
          </ControlButton>
        )}
        <ControlButton label="Settings" onClick={() => commands.openMenu(menu === "settings" ? null : "settings")} menu>
          <Icon name="settings" />
        </ControlButton>
        {/* Phones offer picture in picture themselves (full screen, then home). */}
        {pipSupported && (
          <ControlButton label="Picture in picture" onClick={commands.togglePip} pressed={pip} wideOnly>
            <Icon name="pip" />
          </ControlButton>
        )}
        <ControlButton label={fullscreen ? "Exit full screen (f)" : "Full screen (f)"} onClick={commands.toggleFullscreen}>
          <Icon name={fullscreen ? "exitFullscreen" : "fullscreen"} />
        </ControlButton>
        {menu === "settings" && <Menu label="Settings" groups={settingsGroups} onClose={() => commands.openMenu(null)} />}
        {menu === "captions" && <Menu label="Captions" groups={captionGroups} onClose={() => commands.openMenu(null)} />}
        {menu === "audio" && <Menu label="Audio" groups={audioGroups} onClose={() => commands.openMenu(null)} />}
        {menu === "chapters" && <Menu label="Chapters" groups={chapterGroups} onClose={() => commands.openMenu(null)} />}
      </div>
    </div>
  );
}
