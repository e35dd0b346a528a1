-- Why the bot may not write in a group just now (Telegram refused for lack of rights), NULL when it may.
-- Set when a send is refused (its daily post then backs off to the next day), cleared once a post goes out.
ALTER TABLE groups ADD COLUMN refused TEXT;
