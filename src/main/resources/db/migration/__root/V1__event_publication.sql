-- Spring Modulith's event publication registry (the JDBC outbox), in its v2 structure.
-- Written once for H2 (PostgreSQL mode) and PostgreSQL:
--   * serialized_event is an unbounded VARCHAR: TEXT on PostgreSQL, H2's 1 GB maximum on H2
--     (Modulith's own H2 script stops at 4000 characters, which a large event overflows);
--   * no index over serialized_event: PostgreSQL's B-tree rejects entries over ~2.7 kB and the
--     hash index Modulith uses there does not exist in H2. Completed publications are deleted
--     (spring.modulith.events.completion-mode=delete), so lookups scan only outstanding rows.
create table event_publication (
    id                     uuid                     not null,
    listener_id            varchar(512)             not null,
    event_type             varchar(512)             not null,
    serialized_event       varchar                  not null,
    publication_date       timestamp with time zone not null,
    completion_date        timestamp with time zone,
    status                 varchar(20),
    completion_attempts    integer,
    last_resubmission_date timestamp with time zone,
    constraint event_publication_pk primary key (id)
);

create index event_publication_by_listener_id_idx on event_publication (listener_id);
create index event_publication_by_completion_date_idx on event_publication (completion_date);
