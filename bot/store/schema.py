"""The schema, as numbered migrations applied in order (tracked in PRAGMA user_version)."""


class StoreError(Exception):
    """The database cannot be used as asked (locked, read-only, full, corrupt)."""


class StoreReadOnly(StoreError):
    """A write to a database that can only be read (file permissions, or a ?mode=ro URI)."""


MIGRATIONS: list[str] = [
    # 1: the event and everything attendees ask about; the search index; unanswered questions.
    """
    CREATE TABLE event (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL, tz TEXT NOT NULL,
        first_day TEXT NOT NULL, last_day TEXT NOT NULL, source TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE venues (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, aliases TEXT NOT NULL DEFAULT '[]',
        features TEXT NOT NULL DEFAULT '[]', directions TEXT NOT NULL DEFAULT '',
        notes TEXT NOT NULL DEFAULT '', source TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE routes (
        id TEXT PRIMARY KEY, origin TEXT NOT NULL, destination TEXT NOT NULL,
        mode TEXT NOT NULL, minutes INTEGER, notes TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE meals (
        id TEXT PRIMARY KEY, venue TEXT, day TEXT NOT NULL, kind TEXT NOT NULL,
        start TEXT NOT NULL, "end" TEXT NOT NULL, "where" TEXT NOT NULL DEFAULT '',
        notes TEXT NOT NULL DEFAULT '', source TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX meals_day ON meals(day);
    CREATE TABLE transport (
        id TEXT PRIMARY KEY, service TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,
        stops TEXT NOT NULL DEFAULT '[]', day TEXT NOT NULL,
        first_run TEXT NOT NULL, last_run TEXT NOT NULL, every_min INTEGER,
        ride_min INTEGER, ride_max INTEGER, "where" TEXT NOT NULL DEFAULT '',
        notes TEXT NOT NULL DEFAULT '', source TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE swag (
        id TEXT PRIMARY KEY, item TEXT NOT NULL, venue TEXT, "where" TEXT NOT NULL DEFAULT '',
        start TEXT, "end" TEXT, eligible TEXT NOT NULL DEFAULT '',
        notes TEXT NOT NULL DEFAULT '', source TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE schedule (
        id TEXT PRIMARY KEY, kind TEXT NOT NULL, title TEXT NOT NULL,
        start TEXT NOT NULL, "end" TEXT, speaker TEXT NOT NULL DEFAULT '', venue TEXT,
        "where" TEXT NOT NULL DEFAULT '', notes TEXT NOT NULL DEFAULT '',
        remind INTEGER NOT NULL DEFAULT 0, channels TEXT NOT NULL DEFAULT '[]',
        source TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX schedule_start ON schedule(start);
    CREATE TABLE faq (
        id TEXT PRIMARY KEY, question TEXT NOT NULL, answer TEXT NOT NULL,
        keywords TEXT NOT NULL DEFAULT '[]', source TEXT NOT NULL DEFAULT ''
    );
    CREATE VIRTUAL TABLE search_fts USING fts5(
        doc_type UNINDEXED, doc_id UNINDEXED, title, body,
        tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TABLE unanswered (
        id INTEGER PRIMARY KEY, text TEXT NOT NULL, normalized TEXT NOT NULL,
        asked_at TEXT NOT NULL, intent TEXT NOT NULL DEFAULT '',
        language TEXT NOT NULL DEFAULT '', user_id TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX unanswered_asked_at ON unanswered(asked_at);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO meta (key, value) VALUES ('revision', '0');
    """,
    # 2: Slack: deliveries already handled (retries and duplicates), answer feedback.
    """
    CREATE TABLE slack_events (event_id TEXT PRIMARY KEY, seen_at TEXT NOT NULL);
    CREATE INDEX slack_events_seen_at ON slack_events(seen_at);
    CREATE TABLE feedback (
        message_ts TEXT NOT NULL, user_id TEXT NOT NULL, vote TEXT NOT NULL,
        question TEXT NOT NULL, intent TEXT NOT NULL DEFAULT '', at TEXT NOT NULL,
        PRIMARY KEY (message_ts, user_id)
    );
    """,
    # 3: promo credit campaigns, their codes, and an append-only audit log of every claim.
    """
    CREATE TABLE campaigns (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        value TEXT NOT NULL DEFAULT '', redeem_text TEXT NOT NULL DEFAULT '',
        redeem_url TEXT NOT NULL DEFAULT '', opens_at TEXT NOT NULL, closes_at TEXT,
        eligibility TEXT NOT NULL DEFAULT 'everyone'
            CHECK (eligibility IN ('everyone', 'channel', 'allowlist')),
        eligible_channel TEXT NOT NULL DEFAULT '', allowlist TEXT NOT NULL DEFAULT '[]',
        codes_total INTEGER NOT NULL DEFAULT 0, codes_left INTEGER NOT NULL DEFAULT 0,
        alerts_sent TEXT NOT NULL DEFAULT '[]', created_at TEXT NOT NULL
    );
    CREATE TABLE promo_codes (
        id INTEGER PRIMARY KEY, campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        code TEXT NOT NULL UNIQUE, user_id TEXT, claimed_at TEXT,
        revoked INTEGER NOT NULL DEFAULT 0, revoked_at TEXT
    );
    CREATE UNIQUE INDEX promo_codes_one_per_person
        ON promo_codes(campaign_id, user_id) WHERE user_id IS NOT NULL AND revoked = 0;
    CREATE INDEX promo_codes_unclaimed
        ON promo_codes(campaign_id, id) WHERE user_id IS NULL AND revoked = 0;
    CREATE TABLE claim_audit (
        id INTEGER PRIMARY KEY, at TEXT NOT NULL, campaign_id INTEGER NOT NULL,
        user_id TEXT NOT NULL DEFAULT '', code_id INTEGER, action TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE TRIGGER claim_audit_no_update BEFORE UPDATE ON claim_audit
        BEGIN SELECT RAISE(ABORT, 'claim_audit is append-only'); END;
    CREATE TRIGGER claim_audit_no_delete BEFORE DELETE ON claim_audit
        BEGIN SELECT RAISE(ABORT, 'claim_audit is append-only'); END;
    """,
    # 4: a claim writes its audit row and counts the stock down inside SQLite, in the same
    # statement as the claim itself: nothing can give a code without recording it.
    """
    CREATE TRIGGER promo_codes_claimed AFTER UPDATE OF user_id ON promo_codes
        WHEN OLD.user_id IS NULL AND NEW.user_id IS NOT NULL
    BEGIN
        INSERT INTO claim_audit (at, campaign_id, user_id, code_id, action)
            VALUES (NEW.claimed_at, NEW.campaign_id, NEW.user_id, NEW.id, 'claim');
        UPDATE campaigns SET codes_left = codes_left - 1 WHERE id = NEW.campaign_id;
    END;
    """,
    # 5: reminders: personal ones, organizer announcements, the delivery ledger (one row per
    # reminder and target: the exactly-once key), starts seen (to notice moves), the lease.
    """
    CREATE TABLE personal_reminders (
        id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, item_id TEXT NOT NULL,
        offset_min INTEGER NOT NULL, created_at TEXT NOT NULL,
        cancelled INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX personal_reminders_once
        ON personal_reminders(user_id, item_id, offset_min) WHERE cancelled = 0;
    CREATE TABLE announcements (
        id INTEGER PRIMARY KEY, channel TEXT NOT NULL, text TEXT NOT NULL, due_at TEXT NOT NULL,
        created_by TEXT NOT NULL, created_at TEXT NOT NULL, cancelled INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE deliveries (
        key TEXT NOT NULL, target TEXT NOT NULL, status TEXT NOT NULL, at TEXT NOT NULL,
        PRIMARY KEY (key, target)
    );
    CREATE TABLE item_starts (item_id TEXT PRIMARY KEY, start TEXT NOT NULL);
    CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at TEXT NOT NULL);
    """,
    # 6: questions asked per hour (answered or not), for `confbot stats`.
    """
    CREATE TABLE question_counts (
        hour TEXT NOT NULL, answered INTEGER NOT NULL, n INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (hour, answered)
    );
    """,
    # 7: every record may carry other names and Korean text; speakers; what a bus serves;
    # other phrasings of an FAQ question.
    """
    ALTER TABLE event ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE venues ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE routes ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE meals ADD COLUMN aliases TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE meals ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE transport ADD COLUMN aliases TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE transport ADD COLUMN serves TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE transport ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE swag ADD COLUMN aliases TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE swag ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE schedule ADD COLUMN aliases TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE schedule ADD COLUMN speakers TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE schedule ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE faq ADD COLUMN questions TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE faq ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
    CREATE TABLE speakers (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL DEFAULT '',
        aliases TEXT NOT NULL DEFAULT '[]', notes TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT '', translations TEXT NOT NULL DEFAULT '{}'
    );
    """,
    # 8: the session catalog. Sessions are schedule items with a code, a format, a level, tags,
    # an abstract and whether seats are reserved; a session whose time is not announced yet
    # has no start, so the table is rebuilt with a nullable start (SQLite cannot drop NOT
    # NULL in place). Reminders learn where an item is as well as when (item_starts.place),
    # and a move is written down until everyone with a reminder on it has been told.
    """
    CREATE TABLE schedule_v8 (
        id TEXT PRIMARY KEY, kind TEXT NOT NULL, title TEXT NOT NULL,
        start TEXT, "end" TEXT, speaker TEXT NOT NULL DEFAULT '', venue TEXT,
        "where" TEXT NOT NULL DEFAULT '', notes TEXT NOT NULL DEFAULT '',
        remind INTEGER NOT NULL DEFAULT 0, channels TEXT NOT NULL DEFAULT '[]',
        source TEXT NOT NULL DEFAULT '', aliases TEXT NOT NULL DEFAULT '[]',
        speakers TEXT NOT NULL DEFAULT '[]', translations TEXT NOT NULL DEFAULT '{}',
        code TEXT NOT NULL DEFAULT '', format TEXT NOT NULL DEFAULT '',
        level TEXT NOT NULL DEFAULT '', topics TEXT NOT NULL DEFAULT '[]',
        abstract TEXT NOT NULL DEFAULT '', reservable INTEGER NOT NULL DEFAULT 0, day TEXT
    );
    INSERT INTO schedule_v8 (id, kind, title, start, "end", speaker, venue, "where", notes,
        remind, channels, source, aliases, speakers, translations)
        SELECT id, kind, title, start, "end", speaker, venue, "where", notes, remind, channels,
            source, aliases, speakers, translations FROM schedule ORDER BY rowid;
    DROP TABLE schedule;
    ALTER TABLE schedule_v8 RENAME TO schedule;
    CREATE INDEX schedule_start ON schedule(start);
    CREATE INDEX schedule_code ON schedule(code) WHERE code != '';
    ALTER TABLE item_starts ADD COLUMN place TEXT NOT NULL DEFAULT '';
    CREATE TABLE item_moves (
        key TEXT PRIMARY KEY, item_id TEXT NOT NULL, was_start TEXT NOT NULL,
        was_place TEXT NOT NULL DEFAULT '', noticed_at TEXT NOT NULL
    );
    """,
    # 9: promo codes claimed but not delivered (every private way into Slack failed), handed
    # over on the person's next contact; "Ask a human" posts, one per person and question.
    """
    CREATE TABLE undelivered_codes (
        campaign_id INTEGER NOT NULL, user_id TEXT NOT NULL, since TEXT NOT NULL,
        PRIMARY KEY (campaign_id, user_id)
    );
    CREATE INDEX undelivered_codes_user ON undelivered_codes(user_id);
    CREATE TABLE help_requests (
        user_id TEXT NOT NULL, question_key TEXT NOT NULL, at TEXT NOT NULL,
        PRIMARY KEY (user_id, question_key)
    );
    CREATE INDEX help_requests_recent ON help_requests(user_id, at);
    """,
    # 10: "Ask a human" closes the loop. A hand-off is one question posted to the help channel;
    # every message relayed between its help thread and the asker's DM is written down (the
    # source message is the key: a retried event relays nothing twice); organizers' replies
    # saved as answers live in their own table (a load of the event never touches them);
    # the daily digest of unanswered questions, one row per day and one per group in it; each
    # person's latest questions (typing "human" hands one of them over).
    """
    CREATE TABLE handoffs (
        id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, origin TEXT NOT NULL DEFAULT '',
        question TEXT NOT NULL, language TEXT NOT NULL DEFAULT 'en',
        help_channel TEXT NOT NULL, help_ts TEXT, offer_ts TEXT, answered_at TEXT,
        created_at TEXT NOT NULL, asked_channel TEXT NOT NULL DEFAULT '',
        asked_ts TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX handoffs_asked ON handoffs(asked_channel, asked_ts);
    CREATE UNIQUE INDEX handoffs_help_thread ON handoffs(help_channel, help_ts)
        WHERE help_ts IS NOT NULL;
    CREATE TABLE handoff_messages (
        channel TEXT NOT NULL, ts TEXT NOT NULL, handoff_id INTEGER NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('to_asker', 'to_help')),
        user_id TEXT NOT NULL, text TEXT NOT NULL, relayed_channel TEXT, relayed_ts TEXT,
        status TEXT NOT NULL DEFAULT 'pending', at TEXT NOT NULL,
        PRIMARY KEY (channel, ts)
    );
    CREATE INDEX handoff_messages_relayed ON handoff_messages(relayed_channel, relayed_ts);
    CREATE INDEX handoff_messages_pending ON handoff_messages(status) WHERE status = 'pending';
    CREATE TABLE saved_answers (
        id INTEGER PRIMARY KEY, question TEXT NOT NULL, answer TEXT NOT NULL,
        language TEXT NOT NULL DEFAULT 'en', questions TEXT NOT NULL DEFAULT '[]',
        handoff_id INTEGER, source_channel TEXT NOT NULL DEFAULT '',
        source_ts TEXT NOT NULL DEFAULT '', saved_by TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX saved_answers_source ON saved_answers(source_channel, source_ts)
        WHERE source_ts != '';
    CREATE TABLE digests (
        day TEXT PRIMARY KEY, since TEXT NOT NULL, status TEXT NOT NULL, at TEXT NOT NULL,
        channel TEXT NOT NULL DEFAULT '', ts TEXT
    );
    CREATE TABLE recent_questions (user_id TEXT NOT NULL, text TEXT NOT NULL, at TEXT NOT NULL);
    CREATE INDEX recent_questions_user ON recent_questions(user_id, at);
    CREATE TABLE digest_groups (
        id INTEGER PRIMARY KEY, day TEXT NOT NULL, example TEXT NOT NULL,
        questions TEXT NOT NULL DEFAULT '[]', askers TEXT NOT NULL DEFAULT '[]',
        language TEXT NOT NULL DEFAULT 'en', times INTEGER NOT NULL, answer_id INTEGER
    );
    INSERT OR IGNORE INTO meta (key, value) VALUES ('answers_revision', '0');
    """,
]
