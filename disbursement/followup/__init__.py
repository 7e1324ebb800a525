"""From a flag to corrective action: explanation requests, the units' answers, commitments, reminders."""
