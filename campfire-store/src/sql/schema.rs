//! The tables and columns the statements name, as sea-query identifiers: a typo is a compile
//! error, and a renamed column is one edit here. The schema itself is the `migrations` crate's.

use sea_query::Iden;

#[derive(Iden, Clone, Copy)]
pub(crate) enum Account {
    Table,
    Id,
    Name,
    JoinCode,
    CustomCss,
    OnlyAdminsCreateRooms,
    CreatedAt,
    Logo,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Users {
    Table,
    Id,
    Name,
    Email,
    PasswordHash,
    Role,
    Status,
    Bio,
    BotToken,
    CreatedAt,
    Avatar,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Sessions {
    Table,
    Id,
    UserId,
    TokenHash,
    UserAgent,
    Ip,
    CreatedAt,
    LastActiveAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Bans {
    Table,
    UserId,
    Ip,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum UsedTokens {
    Table,
    Id,
    UsedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Rooms {
    Table,
    Id,
    Name,
    Kind,
    CreatorId,
    DirectKey,
    CreatedAt,
    LastActiveAt,
    Topic,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Memberships {
    Table,
    RoomId,
    UserId,
    Involvement,
    UnreadSince,
    CreatedAt,
    UnreadFrom,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Messages {
    Table,
    Id,
    RoomId,
    AuthorId,
    ClientMessageId,
    BodyHtml,
    BodyPlain,
    CreatedAt,
    EditedAt,
    ThreadId,
    ReplyCount,
    LastReplyAt,
    Repliers,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Attachments {
    Table,
    MessageId,
    Blob,
    Name,
    ContentType,
    ByteSize,
    Width,
    Height,
    Thumbnail,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Previews {
    Table,
    MessageId,
    Url,
    Title,
    Description,
    Site,
    Image,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Bookmarks {
    Table,
    UserId,
    MessageId,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Mentions {
    Table,
    MessageId,
    UserId,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Boosts {
    Table,
    Id,
    MessageId,
    BoosterId,
    Content,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Events {
    Table,
    Seq,
    Kind,
    RoomId,
    UserId,
    MessageId,
    BoostId,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Outbox {
    Table,
    Id,
    Kind,
    Target,
    Payload,
    IdempotencyKey,
    Status,
    Attempts,
    NextAttemptAt,
    LastAttemptAt,
    LastError,
    CreatedAt,
    FinishedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum PushSubscriptions {
    Table,
    Id,
    UserId,
    Endpoint,
    #[iden = "p256dh"]
    P256dh,
    Auth,
    SessionId,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum RecentSearches {
    Table,
    UserId,
    Query,
    SearchedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Webhooks {
    Table,
    Id,
    BotId,
    Url,
    Circuit,
}
