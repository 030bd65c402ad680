// Who is in the room right now, and who is typing (R5), just above the composer.
import { firstName, typingSentence } from "../../lib/format";
import { useAppState } from "../../state/store";
import { Avatar } from "../common";

const EMPTY: number[] = [];

export function HereNow({ roomId }: { roomId: number }) {
  const presence = useAppState((s) => s.presence[roomId] ?? EMPTY);
  const typing = useAppState((s) => s.typing[roomId] ?? EMPTY);
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me);
  const here = presence.filter((id) => id !== me?.id && users[id]);
  const typers = typing.filter((id) => id !== me?.id).map((id) => firstName(users[id]?.name ?? "Someone"));
  return (
    <div className="here-now">
      <div className="here-now__typing" aria-live="polite">
        {typers.length ? (
          <>
            <span className="typing-dots" aria-hidden="true">
              <span />
              <span />
              <span />
            </span>
            <span>{typingSentence(typers)}</span>
          </>
        ) : null}
      </div>
      {here.length ? (
        <div className="here-now__people">
          <span className="here-now__label">Here now</span>
          <ul className="here-now__list" aria-label="People here now">
            {here.slice(0, 12).map((id) => (
              <li key={id} title={users[id]?.name}>
                <Avatar user={users[id]} size={20} label={users[id]?.name} />
              </li>
            ))}
            {here.length > 12 ? <li className="here-now__more">+{here.length - 12}</li> : null}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
