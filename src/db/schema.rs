//! Hand-maintained schema using only types both backends share
//! (`timestamptz` on PostgreSQL reads and writes as `Timestamp` in UTC).

diesel::table! {
    offices (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        kind -> Text,
        parent_id -> Nullable<Text>,
        city -> Nullable<Text>,
        country_code -> Nullable<Text>,
        region -> Nullable<Text>,
        timezone -> Nullable<Text>,
        address -> Nullable<Text>,
        website -> Nullable<Text>,
        search_text -> Text,
        name_key -> Text,
        search_rowid -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        archived_at -> Nullable<Timestamp>,
        hours -> Nullable<Text>,
        duty_contact_point_id -> Nullable<Text>,
    }
}

diesel::table! {
    people (id) {
        id -> Text,
        slug -> Text,
        full_name -> Text,
        given_name -> Nullable<Text>,
        family_name -> Nullable<Text>,
        job_title -> Nullable<Text>,
        office_id -> Nullable<Text>,
        languages -> Text,
        topics -> Text,
        bio -> Nullable<Text>,
        search_text -> Text,
        name_key -> Text,
        search_rowid -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        archived_at -> Nullable<Timestamp>,
        last_seen_in_release_at -> Nullable<Timestamp>,
        pronouns -> Nullable<Text>,
        social_profiles -> Text,
        hours -> Nullable<Text>,
        photo_etag -> Nullable<Text>,
    }
}

diesel::table! {
    contact_points (id) {
        id -> Text,
        person_id -> Nullable<Text>,
        office_id -> Nullable<Text>,
        kind -> Text,
        value -> Text,
        display -> Text,
        label -> Nullable<Text>,
        visibility -> Text,
        is_primary -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        archived_at -> Nullable<Timestamp>,
        source_release_id -> Nullable<Text>,
        last_seen_in_release_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    releases (id) {
        id -> Text,
        slug -> Text,
        title -> Text,
        dateline -> Nullable<Text>,
        office_id -> Nullable<Text>,
        published_on -> Nullable<Date>,
        language -> Nullable<Text>,
        url -> Nullable<Text>,
        summary -> Nullable<Text>,
        body -> Nullable<Text>,
        source_hash -> Nullable<Text>,
        search_text -> Text,
        name_key -> Text,
        search_rowid -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        archived_at -> Nullable<Timestamp>,
        publish_at -> Nullable<Timestamp>,
        embargo_note -> Nullable<Text>,
        published_event_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    appearances (id) {
        id -> Text,
        release_id -> Text,
        person_id -> Text,
        role -> Text,
        title_as_printed -> Nullable<Text>,
        office_as_printed -> Nullable<Text>,
        quote -> Nullable<Text>,
        position -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        archived_at -> Nullable<Timestamp>,
        source_release_id -> Nullable<Text>,
    }
}

diesel::table! {
    duty_assignments (id) {
        id -> Text,
        office_id -> Text,
        person_id -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        archived_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    person_photos (person_id) {
        person_id -> Text,
        jpeg -> Binary,
        etag -> Text,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(duty_assignments -> offices (office_id));
diesel::joinable!(duty_assignments -> people (person_id));
diesel::joinable!(people -> offices (office_id));
diesel::joinable!(releases -> offices (office_id));
diesel::joinable!(appearances -> releases (release_id));
diesel::joinable!(appearances -> people (person_id));
diesel::joinable!(contact_points -> people (person_id));

diesel::allow_tables_to_appear_in_same_query!(
    offices,
    people,
    contact_points,
    releases,
    appearances,
    duty_assignments,
    person_photos
);

diesel::table! {
    api_keys (id) {
        id -> Text,
        name -> Text,
        token_hash -> Text,
        scopes -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        at -> Timestamp,
        actor -> Text,
        action -> Text,
        entity_type -> Text,
        entity_id -> Text,
        before -> Nullable<Text>,
        after -> Nullable<Text>,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> Text,
        url -> Text,
        description -> Nullable<Text>,
        event_types -> Text,
        secret -> Text,
        status -> Text,
        failing_since -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        archived_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    outbox_events (seq) {
        seq -> BigInt,
        id -> Text,
        event_type -> Text,
        payload -> Text,
        created_at -> Timestamp,
        fanned_out -> Bool,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        endpoint_id -> Text,
        event_id -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        expires_at -> Timestamp,
        claim -> Nullable<Text>,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Text,
        delivery_id -> Text,
        at -> Timestamp,
        status -> Nullable<Integer>,
        error -> Nullable<Text>,
        duration_ms -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    webhook_endpoints,
    outbox_events,
    webhook_deliveries,
    webhook_attempts
);
