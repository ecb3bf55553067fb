"""Sending: the HTTP client, the rate gate, retries and the worker pool that settles each job.

Kept free of imports so that importing one module here (the tiny `net`, say) does not
pull in aiohttp.
"""
