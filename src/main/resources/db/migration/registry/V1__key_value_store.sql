-- The registry's store, on etcd's data model: one store-wide revision that every write
-- increments, every version of every key kept until compaction, keys optionally attached to a
-- lease. Keys and values are bytes and compare bytewise, as in etcd.

-- Exactly one row: the current revision and the revision history was compacted to.
create table registry_revision (
    id               smallint not null,
    revision         bigint   not null,
    compact_revision bigint   not null,
    constraint registry_revision_pk primary key (id),
    constraint registry_revision_single_row check (id = 1)
);

-- An empty etcd store is at revision 1.
insert into registry_revision (id, revision, compact_revision) values (1, 1, 0);

-- Every version of every key: the history that reads at a past revision and watches replay.
-- A delete is recorded as a tombstone. sub_revision orders the writes of one transaction.
create table registry_key_history (
    mod_revision    bigint  not null,
    sub_revision    integer not null,
    key_bytes       bytea   not null,
    value_bytes     bytea,
    create_revision bigint  not null,
    version         bigint  not null,
    lease_id        bigint  not null default 0,
    tombstone       boolean not null default false,
    -- The version this write replaced (null if it created the key), so a watch can report the
    -- previous key-value with one primary-key join.
    prev_mod_revision bigint,
    prev_sub_revision integer,
    constraint registry_key_history_pk primary key (mod_revision, sub_revision)
);

create index registry_key_history_by_key_idx on registry_key_history (key_bytes, mod_revision);

-- The live keys at the current revision, so reads of "now" touch no history.
create table registry_key (
    key_bytes       bytea  not null,
    value_bytes     bytea  not null,
    create_revision bigint not null,
    mod_revision    bigint not null,
    mod_sub_revision integer not null,
    version         bigint not null,
    lease_id        bigint not null default 0,
    constraint registry_key_pk primary key (key_bytes)
);

create index registry_key_by_lease_idx on registry_key (lease_id);

-- Leases: keys attached to one vanish when it expires or is revoked. The deadline is stored,
-- not a countdown, so a lease that ran out while every node was down is expired on start.
create table registry_lease (
    id          bigint                   not null,
    ttl_seconds bigint                   not null,
    granted_at  timestamp with time zone not null,
    expires_at  timestamp with time zone not null,
    constraint registry_lease_pk primary key (id),
    constraint registry_lease_ttl_positive check (ttl_seconds > 0)
);

create index registry_lease_by_expiry_idx on registry_lease (expires_at);
