from django.contrib import admin

from .models import Fortune, Message, World


@admin.register(World)
class WorldAdmin(admin.ModelAdmin):
    list_display = ("id", "randomnumber")


@admin.register(Fortune)
class FortuneAdmin(admin.ModelAdmin):
    list_display = ("id", "message")


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("id", "author", "via", "created_at")
    list_filter = ("via",)
    search_fields = ("author", "text")
