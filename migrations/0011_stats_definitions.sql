-- Statistics on one set of definitions (issue 14, internal/stats facts.go):
-- the daily snapshot keeps the denominator of the reply rates (应回复, the
-- recommendations whose reply fell due) and the numerators that were missing,
-- so a trend of 回复率, 采纳率 and 整改到位率 can be drawn from it.
ALTER TABLE daily_stats ADD COLUMN reply_due INTEGER NOT NULL DEFAULT 0;
ALTER TABLE daily_stats ADD COLUMN replied INTEGER NOT NULL DEFAULT 0;
ALTER TABLE daily_stats ADD COLUMN adopted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE daily_stats ADD COLUMN rectified INTEGER NOT NULL DEFAULT 0;
ALTER TABLE daily_stats ADD COLUMN escalated INTEGER NOT NULL DEFAULT 0;
