"""What staff do on the rota themselves: swaps and give-aways between AMHPs,
approved by the lead (``swaps``), and leave requests (``leave_requests``)."""
