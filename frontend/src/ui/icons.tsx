// Our own icons: a 24×24 grid, 1.75 stroke, round joins, drawn in currentColor.
// Decorative by default (aria-hidden); the button around an icon carries the label.
import type { ReactNode, SVGProps } from "react";

type IconProps = SVGProps<SVGSVGElement> & { size?: number };

function Svg({ size = 20, children, ...rest }: IconProps & { children: ReactNode }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.75}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...rest}
    >
      {children}
    </svg>
  );
}

export const SendIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M4.5 12 3.2 4.6a.8.8 0 0 1 1.1-.9l16 7.6a.8.8 0 0 1 0 1.4l-16 7.6a.8.8 0 0 1-1.1-.9L4.5 12Z" />
    <path d="M4.5 12h7" />
  </Svg>
);

export const SearchIcon = (p: IconProps) => (
  <Svg {...p}>
    <circle cx="10.5" cy="10.5" r="6" />
    <path d="m15 15 5 5" />
  </Svg>
);

export const BoostIcon = (p: IconProps) => (
  <Svg {...p}>
    <circle cx="12" cy="12" r="8.5" />
    <path d="M8.8 14.2c.8 1.2 1.9 1.8 3.2 1.8s2.4-.6 3.2-1.8" />
    <path d="M9.2 9.6v.4M14.8 9.6v.4" />
    <path d="M19.5 3.5v3M18 5h3" />
  </Svg>
);

export const EditIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M14.5 5.5 18.5 9.5" />
    <path d="M4 20l1-4.5L15.8 4.7a1.8 1.8 0 0 1 2.5 0l1 1a1.8 1.8 0 0 1 0 2.5L8.5 19 4 20Z" />
  </Svg>
);

export const DeleteIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M4.5 7h15" />
    <path d="M9.5 7V5a1 1 0 0 1 1-1h3a1 1 0 0 1 1 1v2" />
    <path d="M6.5 7l.9 12.1a1 1 0 0 0 1 .9h7.2a1 1 0 0 0 1-.9L17.5 7" />
    <path d="M10.2 11v5.5M13.8 11v5.5" />
  </Svg>
);

export const ReplyIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M9.5 6 4 11.5 9.5 17" />
    <path d="M4 11.5h9.5a6 6 0 0 1 6 6v1" />
  </Svg>
);

/** X7: a thread: a message with replies hanging under it. */
export const ThreadIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M4 5.5h16v8H11l-4 3.5v-3.5H4z" />
    <path d="M8 20.5h8" />
  </Svg>
);

export const LinkIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1" />
    <path d="M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1" />
  </Svg>
);

function BellBody() {
  return (
    <>
      <path d="M6.5 16.5V11a5.5 5.5 0 0 1 11 0v5.5l1.5 1.5H5l1.5-1.5Z" />
      <path d="M10.2 20.2a2 2 0 0 0 3.6 0" />
    </>
  );
}

/** Notify me about everything: the bell rings (waves). */
export const BellEverythingIcon = (p: IconProps) => (
  <Svg {...p}>
    <BellBody />
    <path d="M3 8.5a9 9 0 0 1 2.2-4.2M21 8.5a9 9 0 0 0-2.2-4.2" />
  </Svg>
);

/** Only when mentioned: a bell with an @. */
export const BellMentionsIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M13 18H5l1.5-1.5V11a5.5 5.5 0 0 1 8.6-4.5" />
    <path d="M10.2 20.2a2 2 0 0 0 2.2 1" />
    <circle cx="18" cy="14.5" r="1.6" />
    <path d="M19.6 14.5v.8a1.2 1.2 0 0 0 2.4 0v-.8a4 4 0 1 0-1.6 3.2" />
  </Svg>
);

/** Nothing (still unread): a plain, quiet bell. */
export const BellNothingIcon = (p: IconProps) => (
  <Svg {...p}>
    <BellBody />
  </Svg>
);

/** Invisible: a bell struck through. */
export const BellInvisibleIcon = (p: IconProps) => (
  <Svg {...p}>
    <BellBody />
    <path d="M3.5 3.5l17 17" />
  </Svg>
);

export const SettingsIcon = (p: IconProps) => (
  <Svg {...p}>
    <circle cx="12" cy="12" r="3" />
    <path d="M12 2.8v2.4M12 18.8v2.4M2.8 12h2.4M18.8 12h2.4M5.5 5.5l1.7 1.7M16.8 16.8l1.7 1.7M5.5 18.5l1.7-1.7M16.8 7.2l1.7-1.7" />
    <circle cx="12" cy="12" r="6.6" />
  </Svg>
);

export const PersonIcon = (p: IconProps) => (
  <Svg {...p}>
    <circle cx="12" cy="8" r="3.8" />
    <path d="M4.5 20a7.5 7.5 0 0 1 15 0" />
  </Svg>
);

export const BotIcon = (p: IconProps) => (
  <Svg {...p}>
    <rect x="4.5" y="7.5" width="15" height="11.5" rx="3" />
    <path d="M12 7.5V4.5" />
    <circle cx="12" cy="3.8" r="0.9" />
    <path d="M9.2 12.2v1.2M14.8 12.2v1.2" />
    <path d="M9.5 16.2h5" />
    <path d="M2.5 12v3M21.5 12v3" />
  </Svg>
);

export const LockIcon = (p: IconProps) => (
  <Svg {...p}>
    <rect x="5" y="10.5" width="14" height="10" rx="2" />
    <path d="M8 10.5V7.5a4 4 0 0 1 8 0v3" />
    <path d="M12 14.5v2" />
  </Svg>
);

export const CrownIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M4 8l4 4 4-6 4 6 4-4-1.5 10h-13L4 8Z" />
    <path d="M5.5 20.5h13" />
  </Svg>
);

export const QrIcon = (p: IconProps) => (
  <Svg {...p}>
    <rect x="3.5" y="3.5" width="6.5" height="6.5" rx="1" />
    <rect x="14" y="3.5" width="6.5" height="6.5" rx="1" />
    <rect x="3.5" y="14" width="6.5" height="6.5" rx="1" />
    <path d="M14 14h2.5v2.5M20.5 14v.01M14 20.5h.01M17.5 18.5h3v2" />
  </Svg>
);

export const ShareIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M12 14.5V3.5" />
    <path d="M8 7.2 12 3.5l4 3.7" />
    <path d="M8.5 10.5H6.5a1.5 1.5 0 0 0-1.5 1.5v7a1.5 1.5 0 0 0 1.5 1.5h11a1.5 1.5 0 0 0 1.5-1.5v-7a1.5 1.5 0 0 0-1.5-1.5h-2" />
  </Svg>
);

export const LogoutIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M14 4.5h3.5a1.5 1.5 0 0 1 1.5 1.5v12a1.5 1.5 0 0 1-1.5 1.5H14" />
    <path d="M10 8 6 12l4 4" />
    <path d="M6 12h9" />
  </Svg>
);

export const MenuIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M4 7h16M4 12h16M4 17h16" />
  </Svg>
);

export const PlusIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M12 5v14M5 12h14" />
  </Svg>
);

export const CloseIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M6 6l12 12M18 6 6 18" />
  </Svg>
);

export const PlayIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M4 9.5h3.5L12 5.5v13l-4.5-4H4v-5Z" />
    <path d="M15.5 9a4 4 0 0 1 0 6M18 6.5a7.5 7.5 0 0 1 0 11" />
  </Svg>
);

export const MoreIcon = (p: IconProps) => (
  <Svg {...p}>
    <circle cx="6" cy="12" r="0.8" fill="currentColor" />
    <circle cx="12" cy="12" r="0.8" fill="currentColor" />
    <circle cx="18" cy="12" r="0.8" fill="currentColor" />
  </Svg>
);

export const AttachIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M19.5 11.5 12 19a5 5 0 0 1-7-7l7.8-7.8a3.3 3.3 0 0 1 4.7 4.7L9.8 16.6a1.7 1.7 0 0 1-2.4-2.4l7-7" />
  </Svg>
);

export const FormatIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M5 19 10.5 5h1L17 19" />
    <path d="M7.2 14h7.6" />
    <path d="M19 15v4M17 17h4" />
  </Svg>
);

export const ArrowDownIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M12 5v14M6 13l6 6 6-6" />
  </Svg>
);

export const ArrowUpIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M12 19V5M6 11l6-6 6 6" />
  </Svg>
);

export const BackIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M15 5 8 12l7 7" />
  </Svg>
);

export const CopyIcon = (p: IconProps) => (
  <Svg {...p}>
    <rect x="8.5" y="8.5" width="11" height="11" rx="2" />
    <path d="M15.5 8.5V6a1.5 1.5 0 0 0-1.5-1.5H6A1.5 1.5 0 0 0 4.5 6v8A1.5 1.5 0 0 0 6 15.5h2.5" />
  </Svg>
);

export const RotateIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M19.5 12a7.5 7.5 0 1 1-2.2-5.3" />
    <path d="M19.5 4.5v4h-4" />
  </Svg>
);

export const PingIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M5 18.5V6.5a2 2 0 0 1 2-2h10a2 2 0 0 1 2 2v7.5a2 2 0 0 1-2 2H9L5 18.5Z" />
    <path d="M12 7.8v5.4M9.3 10.5h5.4" />
  </Svg>
);

export const BoldIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M7 5h6a3.5 3.5 0 0 1 0 7H7V5ZM7 12h7a3.5 3.5 0 0 1 0 7H7v-7Z" />
  </Svg>
);

export const ItalicIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M10 5h8M6 19h8M14 5l-4 14" />
  </Svg>
);

export const StrikeIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M4.5 12h15" />
    <path d="M16.5 7.5C16 5.8 14.3 5 12 5c-2.6 0-4.4 1.2-4.4 3.2 0 1.5 1 2.4 3 3" />
    <path d="M8 16.5c.5 1.7 2.2 2.5 4.3 2.5 2.6 0 4.4-1.2 4.4-3.2 0-.8-.3-1.4-.8-1.8" />
  </Svg>
);

export const CodeIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="m8.5 7.5-5 4.5 5 4.5M15.5 7.5l5 4.5-5 4.5" />
  </Svg>
);

export const QuoteIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M5 5v14" />
    <path d="M9.5 8h9.5M9.5 12h9.5M9.5 16h6" />
  </Svg>
);

export const ListIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M9.5 6.5h10M9.5 12h10M9.5 17.5h10" />
    <circle cx="5" cy="6.5" r="0.9" fill="currentColor" />
    <circle cx="5" cy="12" r="0.9" fill="currentColor" />
    <circle cx="5" cy="17.5" r="0.9" fill="currentColor" />
  </Svg>
);

export const HeadingIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M6 5v14M16 5v14M6 12h10" />
  </Svg>
);

/** Mark unread (X7): a speech bubble with a dot. */
export const MarkUnreadIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M13 4.5H6.5a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2H8v3.5l4-3.5h5.5a2 2 0 0 0 2-2V11" />
    <circle cx="18" cy="6" r="2.5" fill="currentColor" />
  </Svg>
);

/** Save for later (X7): a bookmark ribbon. */
export const BookmarkIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M7 4.5h10a1 1 0 0 1 1 1v14l-6-4-6 4v-14a1 1 0 0 1 1-1Z" />
  </Svg>
);

/** Mentions of me (X7). */
export const AtIcon = (p: IconProps) => (
  <Svg {...p}>
    <circle cx="12" cy="12" r="3.6" />
    <path d="M15.6 12v1.4a2.6 2.6 0 0 0 5.2 0V12a8.8 8.8 0 1 0-3.5 7" />
  </Svg>
);
