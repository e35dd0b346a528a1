"""The crisis vocabulary shared by the detector, the replies and the counters."""
from __future__ import annotations

from dataclasses import dataclass

# Most urgent first. Overdose and medical emergencies threaten life within minutes; violence needs the emergency
# number too; suicide and self-harm need a human line now. `abuse` is the writer being hurt or threatened by someone
# now (sexual violence included); `violence` is the writer meaning to hurt someone else.
CATEGORIES: tuple[str, ...] = ("overdose", "medical", "suicide", "abuse", "violence", "self_harm")

EMERGENCY = "emergency"  # life at risk now: nothing suppresses it
CRISIS = "crisis"  # ideation, self-harm: negation or past tense may soften, never silence


@dataclass(frozen=True)
class Crisis:
    """What the detector found in one message.

    `softened` is True when the crisis-tier match came with negation or past tense ("I used to want to die"):
    the person still gets the helplines, in gentler words.
    """

    category: str
    tier: str
    softened: bool = False

    @property
    def urgency(self) -> int:
        """Higher is more urgent; used to decide whether a repeat message deserves the full block again."""
        tier_weight = 100 if self.tier == EMERGENCY else 0
        return tier_weight + (len(CATEGORIES) - CATEGORIES.index(self.category)) * 2 + (0 if self.softened else 1)
