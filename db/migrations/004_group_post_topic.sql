-- The forum topic a group's daily post goes to: the topic /groupcheckin was sent in (NULL: the chat itself, or
-- a forum's General topic).
ALTER TABLE groups ADD COLUMN checkin_thread INTEGER;
