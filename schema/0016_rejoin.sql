-- 0016_rejoin: a member removed from a production can be invited again.
--
-- Removed members keep their row (and their account link) so that the
-- history still names them. The unique (account, production) index counted
-- those rows, so re-inviting a removed person who has an account ended in
-- 409 already_member at the join link. Only current members are unique now.
DROP INDEX member_account;
CREATE UNIQUE INDEX member_account ON member (account_id, production_id)
    WHERE account_id IS NOT NULL AND removed_at IS NULL;
