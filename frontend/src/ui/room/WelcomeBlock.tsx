// The welcome block at the top of a young All Talk: the join link to share, for everyone (A2).
import { useEffect, useState } from "react";
import { api } from "../../api/client";
import { absoluteUrl, LinkShare } from "../common";

export function WelcomeBlock() {
  const [joinUrl, setJoinUrl] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api
      .joinLink()
      .then((r) => live && setJoinUrl(absoluteUrl(r.join_path)))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, []);
  return (
    <div className="welcome">
      <h2 className="welcome__title">Welcome to your Campfire 🔥</h2>
      <p>Invite people with this link. Anyone who has it can join and will land in every open room, like this one.</p>
      {joinUrl ? <LinkShare url={joinUrl} title="Join link" qrLabel="QR code of the join link" /> : null}
    </div>
  );
}
