"""The web pages: lead practitioners, AMHPs and managers. The editing pages come
last: their ``/app/services/{id}/{part}`` pattern would otherwise shadow the
fixed paths next to it."""

from api.pages import approvals, auth, edit, lead, manager, me

routers = [auth.router, approvals.router, lead.router, me.router, manager.router, edit.router]
