"""The calendar: schedules, recurring series, the tick, publishing and webhooks."""
