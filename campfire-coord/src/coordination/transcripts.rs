//! The hub's behaviour, one transcript per rule.

use super::script::{check, check_with};
use crate::HubConfig;

#[test]
fn a_room_event_reaches_every_live_connection_of_every_member() {
    check(
        "
        load r1 alice bob
        load r2 carol
        @0 connect c1 alice s1 since 0
        @0 connect c2 alice s2 since 0
        @0 connect c3 bob s3 since 0
        @0 connect c4 carol s4 since 0
        @1 publish 1 room:r1 hello
          send c1 #1 hello
          send c2 #1 hello
          send c3 #1 hello
        @2 publish 2 user:bob just-for-bob
          send c3 #2 just-for-bob
        @3 publish 3 everyone announcement
          send c1 #3 announcement
          send c2 #3 announcement
          send c3 #3 announcement
          send c4 #3 announcement
        ",
    );
}

#[test]
fn a_new_member_receives_the_event_that_adds_them() {
    check(
        "
        load r1 alice
        @0 connect c1 alice s1 since 0
        @0 connect c2 bob s2 since 0
        @1 publish 1 room:r1 hi
          send c1 #1 hi
        @2 publish 2 room:r1 joined:r1/bob bob-joined
          send c1 #2 bob-joined
          send c2 #2 bob-joined
        @3 publish 3 room:r1 welcome
          send c1 #3 welcome
          send c2 #3 welcome
        ",
    );
}

#[test]
fn a_leaving_member_receives_the_event_that_removes_them_then_nothing_more() {
    check(
        "
        load r1 alice bob
        @0 connect c1 alice s1 since 0
        @0 connect c2 bob s2 since 0
        @1 publish 1 room:r1 left:r1/bob bob-removed
          send c1 #1 bob-removed
          send c2 #1 bob-removed
        @2 publish 2 room:r1 after
          send c1 #2 after
        @3 publish 3 room:r1 left:r1/bob again
          send c1 #3 again
        ",
    );
}

#[test]
fn a_deleted_room_tells_its_members_then_falls_silent() {
    check(
        "
        load r1 alice bob
        @0 connect c1 alice s1 since 0
        @0 connect c2 bob s2 since 0
        @0 focus c1 r1
          presence r1 [alice] to [c1, c2]
        @1 publish 1 room:r1 room-gone:r1 deleted
          send c1 #1 deleted
          send c2 #1 deleted
        @2 publish 2 room:r1 ghost
        looking-at r1
          = []
        ",
    );
}

#[test]
fn a_gone_user_receives_the_news_then_every_connection_of_theirs_closes() {
    check(
        "
        load r1 alice bob
        @0 connect c1 alice s1 since 0
        @0 connect c2 bob s2 since 0
        @0 connect c3 bob s3 since 0
        @0 focus c3 r1
          presence r1 [bob] to [c1, c2, c3]
        @1 publish 1 room:r1 user-gone:bob bob-deactivated
          send c1 #1 bob-deactivated
          send c2 #1 bob-deactivated
          send c3 #1 bob-deactivated
          close c2 revoked
          close c3 revoked
          presence r1 [] to [c1]
        connected bob
          = false
        @2 publish 2 room:r1 after
          send c1 #2 after
        count
          = 1
        ",
    );
}

#[test]
fn ending_a_session_closes_only_its_connections() {
    check(
        "
        load r1 alice
        @0 connect c1 alice phone since 0
        @0 connect c2 alice laptop since 0
        @0 connect c3 alice phone since 0
        @1 end-session phone
          close c1 session-ended
          close c3 session-ended
        @2 publish 1 room:r1 still-here
          send c2 #1 still-here
        connected alice
          = true
        ",
    );
}

#[test]
fn resume_replays_what_the_user_could_see_when_it_was_published() {
    check(
        "
        load r1 alice bob
        load r2 alice bob
        @0 connect c1 alice s1 since 0
        @1 publish 1 room:r1 m1
          send c1 #1 m1
        @2 disconnect c1
        @3 publish 2 room:r2 m2
        @4 publish 3 room:r2 left:r2/alice alice-left-r2
        @5 publish 4 room:r2 m4-not-for-alice
        @6 publish 5 room:r3 joined:r3/alice alice-joined-r3
        @7 publish 6 room:r3 m6
        @8 publish 7 room:r1 m7
        @9 publish 8 user:bob not-for-alice
        @10 publish 9 everyone announcement
        @11 connect c2 alice s1 since 1
          send c2 #2 m2
          send c2 #3 alice-left-r2
          send c2 #5 alice-joined-r3
          send c2 #6 m6
          send c2 #7 m7
          send c2 #9 announcement
        @12 publish 10 room:r2 m10
        @13 publish 11 room:r3 m11
          send c2 #11 m11
        ",
    );
}

#[test]
fn resume_sees_a_room_left_and_joined_again_only_while_a_member() {
    check(
        "
        load r1 alice bob
        @0 connect c1 bob s1 since 0
        @1 publish 1 room:r1 left:r1/alice alice-left
          send c1 #1 alice-left
        @2 publish 2 room:r1 while-away
          send c1 #2 while-away
        @3 publish 3 room:r1 joined:r1/alice alice-back
          send c1 #3 alice-back
        @4 publish 4 room:r1 m4
          send c1 #4 m4
        @5 connect c2 alice s2 since 0
          send c2 #1 alice-left
          send c2 #3 alice-back
          send c2 #4 m4
        ",
    );
}

#[test]
fn resume_of_a_user_revoked_in_between_stops_at_the_revocation() {
    check(
        "
        load r1 alice bob
        @1 publish 1 room:r1 m1
        @2 publish 2 room:r1 user-gone:alice alice-gone
        @3 publish 3 room:r1 m3
        @4 publish 4 room:r1 joined:r1/alice alice-back
        @5 connect c1 alice s1 since 0
          send c1 #1 m1
          send c1 #2 alice-gone
          send c1 #4 alice-back
        ",
    );
}

#[test]
fn resume_of_a_member_of_a_deleted_room_stops_at_the_deletion() {
    check(
        "
        load r1 alice
        @1 publish 1 room:r1 m1
        @2 publish 2 room:r1 room-gone:r1 deleted
        @3 publish 3 room:r1 joined:r1/bob new-r1
        @4 connect c1 alice s1 since 0
          send c1 #1 m1
          send c1 #2 deleted
        ",
    );
}

#[test]
fn resume_at_the_head_sends_nothing_and_then_goes_live() {
    check(
        "
        load r1 alice
        @1 publish 1 room:r1 m1
        @2 publish 2 room:r1 m2
        @3 connect c1 alice s1 since 2
        @4 publish 3 room:r1 m3
          send c1 #3 m3
        ",
    );
}

#[test]
fn a_client_too_far_behind_or_ahead_must_reset() {
    let config = HubConfig {
        replay_window: 3,
        ..HubConfig::default()
    };
    check_with(
        config,
        "
        load r1 alice
        @1 publish 1 room:r1 m1
        @2 publish 2 room:r1 m2
        @3 publish 3 room:r1 m3
        @4 publish 4 room:r1 m4
        @5 publish 5 room:r1 m5
        @6 connect c1 alice s1 since 1
          close c1 reset
        @6 connect c2 alice s1 since 6
          close c2 reset
        count
          = 0
        @6 connect c3 alice s1 since 2
          send c3 #3 m3
          send c3 #4 m4
          send c3 #5 m5
        count
          = 1
        ",
    );
}

#[test]
fn a_head_set_at_startup_resumes_only_clients_at_the_head() {
    check(
        "
        load r1 alice
        head 100
        @0 connect c1 alice s1 since 99
          close c1 reset
        @0 connect c2 alice s1 since 100
        @1 publish 101 room:r1 m101
          send c2 #101 m101
        head
          = 101
        ",
    );
}

#[test]
fn an_event_at_or_behind_the_head_is_ignored() {
    check(
        "
        load r1 alice
        @0 connect c1 alice s1 since 0
        @1 publish 1 room:r1 m1
          send c1 #1 m1
        @2 publish 1 room:r1 m1-again
        @2 publish 0 room:r1 m0
        @3 publish 1 room:r1 left:r1/alice replayed-leave
        @4 publish 2 room:r1 m2
          send c1 #2 m2
        ",
    );
}

#[test]
fn presence_appears_on_focus_and_clears_on_disconnect() {
    check(
        "
        load r1 alice bob
        load r2 bob
        @0 connect c1 alice s1 since 0
        @0 connect c2 bob s2 since 0
        @0 connect c3 alice s3 since 0
        @1 focus c1 r1
          presence r1 [alice] to [c1, c2, c3]
        @2 focus c2 r1
          presence r1 [alice, bob] to [c1, c2, c3]
        // alice is already counted through c1: the set is unchanged, but c3 is told who is here
        @3 focus c3 r1
          presence r1 [alice, bob] to [c3]
        // alice is not a member of r2: ignored
        @3 focus c1 r2
        looking-at r1
          = [alice, bob]
        // alice still looks at r1 through c3
        @4 disconnect c1
        @5 disconnect c3
          presence r1 [bob] to [c2]
        @6 focus c2 r2
          presence r1 [] to [c2]
          presence r2 [bob] to [c2]
        looking-at r2
          = [bob]
        ",
    );
}

#[test]
fn leaving_a_room_clears_presence_and_typing_there() {
    check(
        "
        load r1 alice bob
        @0 connect c1 alice s1 since 0
        @0 connect c2 bob s2 since 0
        @1 focus c1 r1
          presence r1 [alice] to [c1, c2]
        @1 typing c1 r1
          typing r1 [alice] to [c1, c2]
        @2 publish 1 room:r1 left:r1/alice alice-left
          send c1 #1 alice-left
          send c2 #1 alice-left
          presence r1 [] to [c2]
          typing r1 [] to [c2]
        ",
    );
}

#[test]
fn a_silent_connection_closes_after_exactly_the_heartbeat_timeout() {
    check(
        "
        load r1 alice bob
        @0 connect c1 alice s1 since 0
        @0 connect c2 bob s2 since 0
        @0 focus c1 r1
          presence r1 [alice] to [c1, c2]
        @30000 heartbeat c2
        deadline
          = 60000
        @59999 timeout
        @60000 timeout
          close c1 heartbeat-timeout
          presence r1 [] to [c2]
        deadline
          = 90000
        @89999 focus c2 r1
          presence r1 [bob] to [c2]
        @149998 timeout
        @149999 timeout
          close c2 heartbeat-timeout
        deadline
          = none
        ",
    );
}

#[test]
fn an_input_past_a_deadline_first_handles_it() {
    check(
        "
        load r1 alice bob
        @0 connect c1 alice s1 since 0
        @10000 connect c2 bob s2 since 0
        @60000 publish 1 room:r1 late
          close c1 heartbeat-timeout
          send c2 #1 late
        @60000 heartbeat c1
        connected alice
          = false
        ",
    );
}

#[test]
fn typing_expires_unless_renewed() {
    check(
        "
        load r1 alice bob
        @0 connect c1 alice s1 since 0
        @0 connect c2 bob s2 since 0
        @1000 typing c1 r1
          typing r1 [alice] to [c1, c2]
        @3000 typing c1 r1
        @4000 typing c2 r1
          typing r1 [alice, bob] to [c1, c2]
        @5000 stop-typing c2 r1
          typing r1 [alice] to [c1, c2]
        deadline
          = 8000
        @7999 timeout
        @8000 timeout
          typing r1 [] to [c1, c2]
        // bob is not a member of r2: ignored
        @8000 typing c2 r2
        deadline
          = 63000
        ",
    );
}

#[test]
fn poll_timeout_reports_the_earliest_deadline() {
    check(
        "
        load r1 alice
        deadline
          = none
        @100 connect c1 alice s1 since 0
        deadline
          = 60100
        @200 typing c1 r1
          typing r1 [alice] to [c1]
        deadline
          = 5200
        @5200 timeout
          typing r1 [] to [c1]
        deadline
          = 60200
        @5300 disconnect c1
        deadline
          = none
        ",
    );
}
