"""How long the crisis check takes per message: the rules alone, and the whole check (rules and learned model).

    python bench/bench_detector.py [--messages N] [--seed S]

Prints p50 / p99 / max time per message for short messages and for 4096-character messages (Telegram's limit),
built from everyday sentences of the kind people write in a recovery chat, with idioms and questions that contain
crisis words ("killing me", "signs of an overdose") and the odd crisis sentence mixed in:

- everyday mix: 5% idioms/questions, 1% crisis sentences (the target: p99 under 0.5 ms);
- idiom-rich: 20% idioms/questions;
- idioms only: nothing but idioms and crisis-sounding everyday phrases, the worst case for the fast gate (every
  sentence must be looked at closely).

Targets: the whole check p99 under 2 ms for a 4096-character message (issue 10); the rules alone under 0.5 ms.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config import CONTENT_DIR  # noqa: E402
from bot.safety.assess import Assessor  # noqa: E402

TARGET_P99_MS = {"rules": 0.5, "rules + model": 2.0}

EVERYDAY = [
    "Had a long day at group today and talked about my week.",
    "My sponsor says I'm doing well, day 30 and counting!",
    "Thanks everyone for the support, it means a lot.",
    "Cravings were bad last night but I called my friend instead.",
    "I made it to the meeting this morning even though I was late.",
    "Work was stressful, my boss keeps changing the schedule.",
    "I've been sleeping better since I started walking in the evenings.",
    "Does anyone know a good place to get cheap groceries around here?",
    "My daughter drew me a picture of our dog, made my whole week.",
    "I'm on methadone now and the dose seems about right.",
    "The clinic moved my appointment to Thursday at 10am.",
    "Honestly some days are just harder than others.",
    "I cooked a proper dinner for the first time in months lol",
    "Rent is due and I'm stressing about money again.",
    "My mum came to visit and we actually had a nice time.",
    "I keep thinking about how much I wasted when I was using.",
    "Went to the gym, my legs are sore but I feel good.",
    "Can't believe it's been 90 days, never thought I'd get here.",
    "The weather has been awful, rain all week.",
    "I told my counselor about the dreams and she said it's normal.",
    "Trying to quit smoking too but one thing at a time.",
    "My brother still won't talk to me, it hurts but I get it.",
    "We watched a movie about recovery at the center, it was okay.",
    "I fixed my bike today so I can get to work easier.",
    "Does suboxone make anyone else feel sleepy in the afternoon?",
    "Found a new NA meeting near my place, people were friendly.",
    "I got my first paycheck in a year!! 🎉",
    "My landlord finally fixed the heating.",
    "I'm so proud of my roommate, he got his 6 month chip.",
    "Feeling a bit low today, but I went outside and it helped.",
    "Anyone else get weird dreams in early recovery?",
    "I signed up for a cooking class at the community center.",
    "Paid off one of my old debts, small win.",
    "My probation officer was actually nice this time.",
    "Trying to be patient with myself, progress not perfection.",
    "Went fishing with my uncle like when I was a kid.",
    "The kids were loud all afternoon but we had fun at the park.",
    "My doctor wants to lower my dose slowly over the next months.",
    "I journaled for 10 minutes before bed like my therapist said.",
    "Some old friends from the using days texted me, I didn't answer.",
    "I'm nervous about the job interview on Monday.",
    "Cleaned my whole flat and it feels like a fresh start.",
    "Just checking in, nothing big, hope everyone is okay.",
    "What time is the online meeting tonight?",
    "How long did the sleep problems last for you guys?",
    "I'm learning to say no to people, it's hard.",
    "My partner and I argued about money but we talked it through.",
    "Got my driving licence back after three years 😭",
    "Had a craving at the bus stop, breathed through it.",
    "I've been reading a book about mindfulness, it's pretty good.",
    "My grandma would have been proud of me today.",
    "I think I need to change my phone number to get away from old contacts.",
    "Honestly the food at the shelter has gotten better.",
    "I hate Mondays lol, anyway back to work.",
    "We had a barbecue at my sister's place, first family event sober.",
    "My hands shake a bit in the mornings still, is that normal?",
    "I passed my maths exam at the college!",
    "It's raining again, staying in with tea and a film.",
    "The bus was 40 minutes late, nearly missed group.",
    "I'm trying to eat more vegetables, my body feels better.",
    "Called the helpline last week just to talk, it helped.",
    "My cat knocked over my coffee this morning 😂",
    "Been thinking about volunteering at the food bank.",
    "Today was boring but boring is good these days.",
    "I'm grateful for this group, seriously.",
    "My sister is getting married in June and I'm invited!",
    "Took the dog for a long walk by the river this morning.",
    "I'm watching a documentary about space, really relaxing.",
    "The pharmacy was out of my prescription so I have to go back tomorrow.",
    "Had a good chat with my key worker about housing.",
    "Played football with the lads for the first time in ages.",
    "Made pancakes for the kids, they loved it.",
    "I fell asleep on the sofa again lol",
    "My counselor says I should write down three good things each day.",
    "Saving up for a new phone, mine is cracked everywhere.",
    "Went to church with my nan, it was peaceful.",
    "Anyone tried the breathing exercises from the app?",
    "I feel more like myself lately.",
    "Drank way too much coffee today, I'm buzzing.",
    "Started a new job at the warehouse, long shifts but fine.",
    "Looking for a second hand bike if anyone knows a place.",
    "My neighbour helped me carry the new mattress upstairs.",
    "I was so nervous at the dentist but it went okay.",
    "Skipped the pub after work and went home instead, proud of that.",
    "Reading to my son at bedtime is my favourite part of the day.",
]

# Idioms and questions with crisis words in them, which the detector must look at closely and let go.
IDIOMS = [
    "My back is killing me from moving boxes all day.",
    "I'm dying to see my kids this weekend, supervised visit on Saturday.",
    "The deadline at work is killing me but I'm managing.",
    "My phone died halfway through the call with my sponsor.",
    "Could kill for a coffee right now ☕",
    "Dead tired after a double shift.",
    "That joke at group had me dying 😂",
    "The new season of that show is to die for.",
    "I nearly died laughing at my nephew's dance moves.",
    "This heat is killing me, no air con in the flat.",
    "Overdosed on netflix this weekend, no regrets.",
    "My feet are killing me after that walk.",
    "What are the signs of an overdose? I want to be ready if it happens to someone.",
    "How does narcan work exactly?",
    "Where can I get a naloxone kit for free?",
    "My friend asked me how to help someone who talks about suicide, what should I say?",
]

CRISIS = [
    "Honestly I want to kill myself.",
    "He won't wake up and his lips are blue.",
    "I took the whole bottle.",
    "I cut myself again last night.",
    "He said he'll kill me.",
    "I can't breathe.",
]

STRESS = [
    "I'm killing it at work.", "Dying to see you.", "My phone died.", "Dead tired.", "I could kill for a coffee.",
    "The deadline is killing me.", "Nearly died laughing.", "That cake is to die for.", "I'm dead 😂.",
    "My mom is going to kill me when she finds out.", "He hit me up yesterday.", "She beat me at chess.",
    "I cut back on sugar.", "I took my meds this morning.", "The sky turned grey.", "My stomach is gurgling.",
    "I didn't wake up until noon.", "I took too much time off.", "What are the signs of an overdose?",
    "How does narcan work?", "Overdosed on netflix.", "This heat is killing me.", "I'm so tired of this traffic.",
    "I laughed so hard I couldn't breathe.", "You almost gave me a heart attack.", "Cut my hair last night.",
]


def message(rng: random.Random, size: int, idiom_rate: float, crisis_rate: float = 0.0) -> str:
    """`size` characters of sentences: everyday ones, with idioms/questions and crisis sentences at these rates."""
    parts: list[str] = []
    length = 0
    while length < size:
        roll = rng.random()
        if roll < crisis_rate:
            sentence = rng.choice(CRISIS)
        elif roll < crisis_rate + idiom_rate:
            sentence = rng.choice(IDIOMS)
        else:
            sentence = rng.choice(EVERYDAY)
        parts.append(sentence)
        length += len(sentence) + 1
    return " ".join(parts)[:size]


def short_message(rng: random.Random) -> str:
    return message(rng, rng.randint(20, 250), idiom_rate=0.05, crisis_rate=0.02)


def stress_message(rng: random.Random) -> str:
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < 4096:
        parts.append(rng.choice(STRESS))
    return " ".join(parts)[:4096]


def measure(detect, texts: list[str], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter()
            detect(text)
            times.append(time.perf_counter() - start)
    return times


def summary(times: list[float]) -> tuple[float, float, float]:
    ordered = sorted(times)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return pick(0.50), pick(0.99), ordered[-1] * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=400, help="messages per kind (default 400)")
    parser.add_argument("--rounds", type=int, default=3, help="times each message is timed (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    assessor = Assessor.load(CONTENT_DIR)  # loaded once, before timing
    rng = random.Random(args.seed)
    kinds = {
        "short (20-250 chars)": [short_message(rng) for _ in range(args.messages)],
        "4096 chars, everyday mix": [message(rng, 4096, idiom_rate=0.05, crisis_rate=0.01) for _ in range(args.messages)],
        "4096 chars, idiom-rich (20%)": [message(rng, 4096, idiom_rate=0.20, crisis_rate=0.01)
                                         for _ in range(args.messages)],
        "4096 chars, idioms only": [stress_message(rng) for _ in range(max(50, args.messages // 4))],
    }
    for name, check in (("rules", assessor.rules.detect), ("rules + model", assessor.assess)):
        for texts in kinds.values():  # warm-up
            for text in texts[:20]:
                check(text)
        print(f"{name}: time per message ({args.rounds} rounds, seed {args.seed})")
        print(f"{'kind':30} {'n':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
        results = {}
        for kind, texts in kinds.items():
            p50, p99, worst = summary(measure(check, texts, args.rounds))
            results[kind] = p99
            print(f"{kind:30} {len(texts) * args.rounds:>6} {p50:>8.3f} {p99:>8.3f} {worst:>8.3f}")
        p99 = results["4096 chars, everyday mix"]
        verdict = "meets" if p99 < TARGET_P99_MS[name] else "MISSES"
        print(f"target ({name}): p99 < {TARGET_P99_MS[name]} ms for a 4096-char message: {verdict} ({p99:.3f} ms)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
