-- The DB service's values by key. Columns avoid the names "key" and "value", keywords in H2.
create table kv_entry (
    entry_key   varchar(255)             not null,
    entry_value text                     not null,
    updated_at  timestamp with time zone not null,
    constraint kv_entry_pk primary key (entry_key)
);
