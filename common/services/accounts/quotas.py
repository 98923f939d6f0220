"""Credits and daily limits: what a job may cost before it starts, and what each call debits.

- `estimate_job` (common/services/accounts/estimates.py) bounds a job's cost from its story
  (or its settings, before one is written): offline providers cost nothing but the job still
  counts as a video and as rendered seconds.
- `Quotas.admit` checks the estimate against the account's available credit (balance minus what
  running jobs hold) and against today's limits, then creates the job, holds its estimate and
  counts it, all in one transaction: of two jobs started at once, only as many as the credit
  covers get through. Refusals are 402 `insufficient_credits` / `quota_exceeded`, the shortfall
  in `fields`.
- `Quotas.recount` counts a job again once its story is written: the day's rendered seconds
  and the credit held follow the story that will be rendered, not the requested duration (an
  edited story is counted as what it makes); a story that no longer fits is refused (402) and
  fails the job at the script stage.
- `Quotas.release` gives back what a job that ended did not use: a cancelled or failed job
  its daily video and rendered seconds, a finished one the seconds its video did not last.
  What was counted is kept on the job (`Job.counted`), so either happens once.
- `debit` is applied by the usage recorder in the transaction that writes a usage event, so a
  provider call is debited exactly when its event is created: once, whatever the retries.

An account is created on first use with `Settings.credit_grant_usd`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from common.config import Settings
from common.domain.job import Counted, Job
from common.domain.quota import (
    ACCOUNTS,
    USAGE_DAYS,
    Account,
    AccountView,
    DailyUsage,
    Estimate,
    InsufficientCreditsError,
    Limits,
    QuotaExceededError,
    day_doc_id,
)
from common.domain.usage import UsageEvent
from common.ports import Clock, DocumentStore, Transaction

JOBS = "jobs"


def day_of(moment: datetime) -> str:
    return moment.date().isoformat()


def limits_of(settings: Settings) -> Limits:
    return Limits(
        videos=settings.daily_videos,
        rendered_s=settings.daily_rendered_s,
        veo_s=settings.daily_veo_s,
    )


def new_account(owner: str, grant: float, now: datetime) -> Account:
    return Account(
        owner=owner, balance_usd=grant, granted_usd=grant, created_at=now, updated_at=now
    )


def is_video_seconds(event: UsageEvent) -> bool:
    """Whether the event's units are seconds of AI video (the daily `veo_s` limit)."""
    return event.unit == "second" and event.quota == "video_seconds"


def debit(
    account: Account | None,
    today: DailyUsage | None,
    event: UsageEvent,
    *,
    grant: float,
    now: datetime,
) -> tuple[Account, DailyUsage]:
    """The account and day after one provider call (pure; applied inside the event's
    transaction). The job's hold shrinks by what it spent, never below zero."""
    account = account or new_account(event.owner, grant, now)
    today = today or DailyUsage(owner=event.owner, day=day_of(event.at))
    holds = dict(account.holds)
    if event.job_id in holds:
        holds[event.job_id] = round(max(0.0, holds[event.job_id] - event.usd), 6)
    account = account.model_copy(
        update={
            "balance_usd": round(account.balance_usd - event.usd, 6),
            "spent_usd": round(account.spent_usd + event.usd, 6),
            "holds": holds,
            "updated_at": now,
        }
    )
    veo_s = event.units if is_video_seconds(event) else 0.0
    today = today.model_copy(
        update={"usd": round(today.usd + event.usd, 6), "veo_s": today.veo_s + veo_s}
    )
    return account, today


def read_account(tx: Transaction, owner: str) -> Account | None:
    doc = tx.get(ACCOUNTS, owner)
    return None if doc is None else Account.model_validate(doc.data)


def read_day(tx: Transaction, owner: str, day: str) -> DailyUsage | None:
    doc = tx.get(USAGE_DAYS, day_doc_id(owner, day))
    return None if doc is None else DailyUsage.model_validate(doc.data)


def write_account(tx: Transaction, account: Account) -> None:
    tx.set(ACCOUNTS, account.owner, account.model_dump(mode="json"))


def write_day(tx: Transaction, today: DailyUsage) -> None:
    tx.set(USAGE_DAYS, day_doc_id(today.owner, today.day), today.model_dump(mode="json"))


class Quotas:
    """Admission of jobs against credit and daily limits, and the account view."""

    def __init__(self, store: DocumentStore, clock: Clock, settings: Settings) -> None:
        self._store = store
        self._clock = clock
        self._settings = settings

    @property
    def limits(self) -> Limits:
        return limits_of(self._settings)

    def admit(
        self,
        job: Job,
        estimate: Estimate,
        *,
        claim: Callable[[Transaction], Callable[[], None]] | None = None,
    ) -> Job:
        """Create `job` if the owner's credit and today's limits allow its estimate, holding
        the estimate on the account and counting the video (if it makes one); else raise 402
        errors. Returns the job as created (with what it counts). `claim` runs first in the
        same transaction: it reads (and may refuse the job by raising), and the function it
        returns writes, with the job (a transaction reads before it writes)."""
        now = self._clock.now()
        day = day_of(now)
        limits = self.limits
        grant = self._settings.credit_grant_usd
        counted = Counted(day=day, videos=estimate.videos, rendered_s=estimate.rendered_s)
        job = job.model_copy(update={"counted": counted})

        def run(tx: Transaction) -> None:
            claimed = claim(tx) if claim is not None else None
            account = read_account(tx, job.owner) or new_account(job.owner, grant, now)
            today = read_day(tx, job.owner, day) or DailyUsage(owner=job.owner, day=day)
            holds = _live_holds(tx, account)
            account = account.model_copy(update={"holds": holds})
            _check_limits(today, limits, estimate)
            if estimate.usd > account.available_usd + 1e-9:
                short = estimate.usd - account.available_usd
                raise InsufficientCreditsError(
                    f"this job is estimated at ${estimate.usd:.2f}; "
                    f"${account.available_usd:.2f} is available",
                    fields={
                        "estimated_usd": f"{estimate.usd:.2f}",
                        "available_usd": f"{account.available_usd:.2f}",
                        "shortfall_usd": f"{short:.2f}",
                    },
                )
            if claimed is not None:
                claimed()
            tx.create(JOBS, job.id, job.model_dump(mode="json"))
            holds[job.id] = estimate.usd
            write_account(tx, account.model_copy(update={"holds": holds, "updated_at": now}))
            write_day(
                tx,
                today.model_copy(
                    update={
                        "videos": today.videos + estimate.videos,
                        "rendered_s": today.rendered_s + estimate.rendered_s,
                    }
                ),
            )

        self._store.transaction(run)
        return job

    def recount(self, job_id: str, estimate: Estimate) -> None:
        """Count the job as its written story: the day's rendered seconds and the held credit
        become the story's estimate. QuotaExceededError or InsufficientCreditsError when the
        story asks for more than the day or the account has left (nothing is changed then)."""
        now = self._clock.now()
        limits = self.limits

        def run(tx: Transaction) -> None:
            job = _read_job(tx, job_id)
            if job is None or job.counted is None or job.terminal:
                return
            counted = job.counted
            today = read_day(tx, job.owner, counted.day)
            today = today or DailyUsage(owner=job.owner, day=counted.day)
            grow = estimate.rendered_s - counted.rendered_s
            if grow > 1e-9 and today.rendered_s + grow > limits.rendered_s:
                left = max(0.0, limits.rendered_s - today.rendered_s)
                raise QuotaExceededError(
                    f"the written story runs {estimate.rendered_s:.0f} s, {grow:.0f} s more than "
                    "counted, and today's limit of rendered seconds is reached",
                    fields={"rendered_s": f"{grow:.0f} s more asked, {left:g} s left today"},
                )
            account = read_account(tx, job.owner)
            if account is not None and job_id in account.holds:
                holds = _live_holds(tx, account)
                more = estimate.usd - holds.get(job_id, 0.0)
                available = account.model_copy(update={"holds": holds}).available_usd
                if more > 1e-9 and more > available + 1e-9:
                    raise InsufficientCreditsError(
                        f"the written story is estimated at ${estimate.usd:.2f}; "
                        f"${available:.2f} more is not available",
                        fields={
                            "estimated_usd": f"{estimate.usd:.2f}",
                            "available_usd": f"{available:.2f}",
                            "shortfall_usd": f"{more - available:.2f}",
                        },
                    )
                if abs(holds.get(job_id, 0.0) - estimate.usd) > 1e-9:
                    holds[job_id] = estimate.usd
                    changed = {"holds": holds, "updated_at": now}
                    write_account(tx, account.model_copy(update=changed))
            # A step delivered again recounts the same story: nothing to write.
            if abs(grow) > 1e-9:
                recounted = counted.model_copy(update={"rendered_s": estimate.rendered_s})
                _count(tx, job, today, recounted)

        self._store.transaction(run)

    def release(self, job_id: str) -> None:
        """Give back what an ended job did not use: a cancelled or failed job's daily video and
        rendered seconds; for a finished one, the seconds its video did not last. Once: what
        is counted is kept on the job. Held credit is released as the job ends (see
        `_live_holds`) and its hold dropped here."""
        now = self._clock.now()

        def run(tx: Transaction) -> None:
            job = _read_job(tx, job_id)
            if job is None or job.counted is None or not job.terminal:
                return
            counted = job.counted
            if job.status == "done":
                made = job.outputs.duration_s
                rendered = counted.rendered_s if made is None else min(made, counted.rendered_s)
                settled = counted.model_copy(update={"rendered_s": rendered})
            else:
                settled = counted.model_copy(update={"videos": 0, "rendered_s": 0.0})
            account = read_account(tx, job.owner)
            today = read_day(tx, job.owner, counted.day)
            if account is not None and job_id in account.holds:
                holds = {k: v for k, v in account.holds.items() if k != job_id}
                write_account(tx, account.model_copy(update={"holds": holds, "updated_at": now}))
            if settled != counted:
                _count(tx, job, today or DailyUsage(owner=job.owner, day=counted.day), settled)

        self._store.transaction(run)

    def view(self, owner: str) -> AccountView:
        """The owner's balance, holds of jobs still running, today's usage and the limits."""
        now = self._clock.now()
        day = day_of(now)
        grant = self._settings.credit_grant_usd

        def run(tx: Transaction) -> tuple[Account, DailyUsage]:
            account = read_account(tx, owner) or new_account(owner, grant, now)
            account = account.model_copy(update={"holds": _live_holds(tx, account)})
            today = read_day(tx, owner, day) or DailyUsage(owner=owner, day=day)
            return account, today

        account, today = self._store.transaction(run)
        return AccountView(
            owner=owner,
            balance_usd=account.balance_usd,
            held_usd=account.held_usd,
            available_usd=account.available_usd,
            spent_usd=account.spent_usd,
            today=today,
            limits=self.limits,
        )

    def open(self, owner: str, grant: float) -> None:
        """Open the owner's account with `grant` as its starting credit, unless it exists (an
        existing account is left as it is). For sign-ins that start with another credit than
        `credit_grant_usd` (common/services/accounts/sign_in.py)."""
        now = self._clock.now()

        def run(tx: Transaction) -> None:
            if read_account(tx, owner) is None:
                write_account(tx, new_account(owner, grant, now))

        self._store.transaction(run)

    def grant(self, owner: str, usd: float) -> Account:
        """Add credit to the owner's account (operators and tests)."""
        now = self._clock.now()
        default = self._settings.credit_grant_usd

        def run(tx: Transaction) -> Account:
            account = read_account(tx, owner) or new_account(owner, default, now)
            account = account.model_copy(
                update={
                    "balance_usd": round(account.balance_usd + usd, 6),
                    "granted_usd": round(account.granted_usd + usd, 6),
                    "updated_at": now,
                }
            )
            write_account(tx, account)
            return account

        return self._store.transaction(run)


def _read_job(tx: Transaction, job_id: str) -> Job | None:
    doc = tx.get(JOBS, job_id)
    return None if doc is None else Job.model_validate(doc.data)


def _count(tx: Transaction, job: Job, day: DailyUsage, counted: Counted) -> None:
    """Move the job's count on `day` from what it was to `counted` (never below nothing)."""
    assert job.counted is not None
    videos = day.videos + counted.videos - job.counted.videos
    rendered = day.rendered_s + counted.rendered_s - job.counted.rendered_s
    write_day(
        tx,
        day.model_copy(
            update={"videos": max(0, videos), "rendered_s": max(0.0, round(rendered, 6))}
        ),
    )
    tx.update(JOBS, job.id, {"counted": counted.model_dump(mode="json")})


def _live_holds(tx: Transaction, account: Account) -> dict[str, float]:
    """The holds of jobs that have not ended (a finished job's unspent estimate is released)."""
    live: dict[str, float] = {}
    for job_id, usd in account.holds.items():
        doc = tx.get(JOBS, job_id)
        if doc is not None and doc.data.get("status") not in ("done", "failed", "cancelled"):
            live[job_id] = usd
    return live


def _check_limits(today: DailyUsage, limits: Limits, estimate: Estimate) -> None:
    over: dict[str, Any] = {}
    if estimate.videos and today.videos + estimate.videos > limits.videos:
        over["videos"] = f"{today.videos} of {limits.videos} used today"
    if today.rendered_s + estimate.rendered_s > limits.rendered_s:
        left = max(0.0, limits.rendered_s - today.rendered_s)
        over["rendered_s"] = f"{estimate.rendered_s:g} s asked, {left:g} s left today"
    if estimate.veo_s and today.veo_s + estimate.veo_s > limits.veo_s:
        left = max(0.0, limits.veo_s - today.veo_s)
        over["veo_s"] = f"{estimate.veo_s:g} s of Veo asked, {left:g} s left today"
    if over:
        raise QuotaExceededError(
            "today's limit is reached: " + ", ".join(sorted(over)),
            fields={k: str(v) for k, v in over.items()},
        )
