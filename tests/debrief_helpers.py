"""Transcripts of interviews written for the debrief tests (no seed text is reused)."""

from __future__ import annotations

# A video call exported as WebVTT (Teams style): voice tags, a NOTE, cue ids, multi-line
# cues, one answer spread over several cues, an entity, three behavioural questions.
THREE_QUESTIONS_VTT = """WEBVTT

NOTE
Exported from the meeting recording.

intro-1
00:00:01.000 --> 00:00:03.000
<v Dana Whitfield>Hello Ravi, can you hear me okay?</v>

intro-2
00:00:03.500 --> 00:00:05.000
<v Ravi Menon>Yes, perfectly, thanks.</v>

q1-ask
00:00:06.000 --> 00:00:10.000
<v Dana Whitfield>Great. Tell me about a time you disagreed
with a colleague about how a piece of work should be done.</v>

00:00:11.000 --> 00:00:25.000
<v Ravi Menon>Last year a senior colleague wanted to rebuild our invoicing
export from scratch, while I thought fixing the two slow queries would do.</v>

00:00:25.000 --> 00:00:40.000
<v Ravi Menon>I asked her to walk me through her reasons first, and we agreed to
a one-week trial of my fix, measured on the month-end run.</v>

00:00:40.000 --> 00:00:55.000
<v Ravi Menon>The export went from 50 minutes to 6 minutes, she agreed to
keep it, and I learned to propose a small trial instead of arguing.</v>

q2-ask
00:00:56.000 --> 00:01:00.000
<v Dana Whitfield>Thanks. Describe a time you made a mistake at work that affected other people.</v>

00:01:01.000 --> 00:01:30.000
<v Ravi Menon>In March I deployed a config change on a Friday that broke
password resets for about 300 customers. I rolled it back within
twenty minutes, emailed every affected customer myself &amp; added a
pre-deploy check so config changes now need a second reviewer.</v>

q3-ask
00:01:31.000 --> 00:01:36.000
<v Dana Whitfield>Tell me about a time you had more to do than you could get done.
How did you decide what came first?</v>

00:01:37.000 --> 00:02:05.000
<v Ravi Menon>During our audit month I had three reports due the same week. I
ranked them by who was blocked without them, told the finance lead on
Monday that the least urgent one would slip by two days, and delivered
the other two on time.</v>

00:02:06.000 --> 00:02:09.000
<v Dana Whitfield>Lovely. Do you have any questions for us?</v>

00:02:10.000 --> 00:02:14.000
<v Ravi Menon>Yes, how big is the team I would join?</v>
"""

# Plain text pasted from notes: labels, small talk, logistics, interjections that interrupt
# an answer, a follow-up question, and questions at the end.
INTERRUPTED_TXT = """Interviewer: Hi Jo, thanks for coming in. How are you today?
Me: Good thanks, a bit nervous but fine.
Interviewer: No need. We have about forty minutes, and I'll leave time for your questions.
Me: Great.
Interviewer: So first, tell me about a time you dealt with a difficult or angry customer.
Me: At the bike shop where I work weekends, a customer came back furious because his new
wheel had buckled on the first ride.
Interviewer: Mm-hm.
Me: I was the senior mechanic that day, so it was my job to sort it out. I apologised,
checked the wheel in front of him and found a spoke we had not tensioned properly.
Interviewer: Right.
Me: I rebuilt the wheel while he waited and gave him a free service voucher.
Interviewer: And then?
Me: He left a five-star review and has bought two more bikes from us since.
Interviewer: What did you learn from it?
Me: I learned to check every wheel we build with a tension meter before it leaves; I do
that on every build now.
Interviewer: Thanks. Do you have any questions for me?
Me: Yes - when would I hear back?
"""

# The same kind of interview as SRT, names in capitals before each line (no voice tags).
SRT = """1
00:00:01,000 --> 00:00:04,000
PRIYA: Describe a time you had to tell a customer something they did not want to hear.

2
00:00:05,000 --> 00:00:12,000
TOM: Our courier contract ended, so I had to tell our biggest client that deliveries
would take two days longer for a month.

3
00:00:12,500 --> 00:00:20,000
TOM: I called them before the email went out, offered free express on urgent orders,
and we kept the account; they renewed for another year in June.
"""
