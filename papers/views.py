"""Views of the library."""

from django.shortcuts import render


def paper_list(request):
    return render(request, "papers/paper_list.html", {"papers": []})


def glossary(request):
    return render(request, "papers/glossary.html", {"terms": []})
